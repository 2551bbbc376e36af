"""A tiny rich-text model that every channel renders in its own way.

Flows build it from translated strings (`RichText.plain`) and content pages from a small
Markdown subset (`RichText.from_markdown`): paragraphs, `- ` bullets, `**bold**`,
`*italic*` and `[text](url)` links to https:, mailto: or tel:. Text inside spans is kept
as written; escaping is the renderer's job, so user text can never become markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SpanStyle = Literal["plain", "bold", "italic", "link"]
ParagraphKind = Literal["text", "bullet", "heading"]
LINK_SCHEMES = ("https:", "mailto:", "tel:")

_INLINE = re.compile(
    r"\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|\*(?P<italic>[^*\n]+?)\*"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<href>[^)\s]+)\)"
)


class MarkupError(ValueError):
    """A content file uses something outside the Markdown subset."""


@dataclass(frozen=True)
class Span:
    text: str
    style: SpanStyle = "plain"
    href: str | None = None


@dataclass(frozen=True)
class Paragraph:
    spans: tuple[Span, ...]
    kind: ParagraphKind = "text"

    @property
    def plain(self) -> str:
        return "".join(span.text for span in self.spans)


@dataclass(frozen=True)
class RichText:
    paragraphs: tuple[Paragraph, ...]

    @classmethod
    def plain(cls, text: str) -> RichText:
        """Text without markup; blank lines separate paragraphs, single newlines stay."""
        blocks = [block.strip("\n") for block in re.split(r"\n\s*\n", text)]
        return cls(tuple(Paragraph((Span(block),)) for block in blocks if block))

    @classmethod
    def heading(cls, text: str) -> RichText:
        return cls((Paragraph((Span(text),), kind="heading"),))

    @classmethod
    def from_markdown(cls, source: str) -> RichText:
        """Parse the content files' Markdown subset; anything else raises `MarkupError`."""
        paragraphs: list[Paragraph] = []
        for block in re.split(r"\n[ \t]*\n", source.strip("\n")):
            lines = block.split("\n")
            if all(line.startswith("- ") for line in lines):
                paragraphs.extend(
                    Paragraph(_parse_inline(line[2:]), kind="bullet") for line in lines
                )
            elif any(line.startswith("- ") for line in lines):
                raise MarkupError(f"bullets mixed with text: {lines[0][:40]!r}")
            elif block.startswith("#"):
                raise MarkupError(f"headings are not allowed in a page body: {block[:40]!r}")
            else:
                paragraphs.append(Paragraph(_parse_inline("\n".join(lines))))
        return cls(tuple(paragraphs))

    def __add__(self, other: RichText) -> RichText:
        return RichText(self.paragraphs + other.paragraphs)

    @property
    def plain_text(self) -> str:
        return "\n\n".join(p.plain for p in self.paragraphs)


def _parse_inline(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            spans.append(Span(_checked_plain(text[position : match.start()])))
        if match["bold"]:
            spans.append(Span(match["bold"], "bold"))
        elif match["italic"]:
            spans.append(Span(match["italic"], "italic"))
        else:
            href = match["href"]
            if not href.startswith(LINK_SCHEMES):
                raise MarkupError(f"links must use {', '.join(LINK_SCHEMES)}: {href!r}")
            spans.append(Span(match["label"], "link", href))
        position = match.end()
    if position < len(text):
        spans.append(Span(_checked_plain(text[position:])))
    return tuple(spans)


def _checked_plain(text: str) -> str:
    for marker in ("**", "](", "<"):
        if marker in text:
            raise MarkupError(f"unsupported or unbalanced markup {marker!r} in {text[:40]!r}")
    return text
