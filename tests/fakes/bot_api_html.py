"""Telegram's HTML parse mode: the plain text and MessageEntity dicts of a formatted string.

Written from the "HTML style" section of the Bot API documentation: the supported tags are
b/strong, i/em, u/ins, s/strike/del, span class="tg-spoiler", tg-spoiler, a href, tg-emoji
emoji-id, code, pre (with an optional inner code class="language-..."), and blockquote (with an
optional expandable attribute). The only named entities are &lt; &gt; &amp; &quot;; numeric
entities are allowed. Anything else is an error, reported with a byte offset into the UTF-8 text.
Offsets and lengths of entities are counted in UTF-16 code units, as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:([a-zA-Z]+)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")
_TAG_NAME = re.compile(r"[a-zA-Z0-9-]*")
_ATTRIBUTE_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_-]*")
_UNQUOTED = re.compile(r"[^\s>]*")
_TEXT = re.compile(r"[^<&]+")
_MONOSPACE = frozenset({"code", "pre"})


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; the message follows "can't parse entities: "."""


@dataclass(frozen=True)
class FormattedText:
    text: str
    entities: tuple[dict[str, Any], ...] = ()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    start: int
    entity: dict[str, Any] | None
    attributes: dict[str, str] = field(default_factory=dict)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.index = 0
        self.chunks: list[str] = []
        self.position = 0
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def error(self, message: str, index: int | None = None) -> EntityParseError:
        where = self.index if index is None else index
        offset = len(self.source[:where].encode("utf-8"))
        return EntityParseError(message.replace("{offset}", str(offset)))

    def parse(self) -> FormattedText:
        while self.index < len(self.source):
            char = self.source[self.index]
            if char == "<":
                self._tag()
            elif char == "&":
                self._append(self._entity())
            else:
                match = _TEXT.match(self.source, self.index)
                assert match is not None
                self._append(match.group())
                self.index = match.end()
        if self.stack:
            tag = self.stack[-1].tag
            raise self.error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        ordered = sorted(self.entities, key=lambda item: (item["offset"], -item["length"]))
        return FormattedText("".join(self.chunks), tuple(ordered))

    def _append(self, text: str) -> None:
        self.chunks.append(text)
        self.position += utf16_len(text)

    def _entity(self) -> str:
        match = _ENTITY.match(self.source, self.index)
        if match is None:
            raise self.error("Character entity expected at byte offset {offset}")
        named, decimal, hexadecimal = match.groups()
        if named is not None:
            if named not in _NAMED:
                raise self.error(f'Unsupported HTML entity "&{named};" at byte offset {{offset}}')
            text = _NAMED[named]
        else:
            text = _code_point(int(decimal) if decimal else int(hexadecimal, 16))
            if not text:
                raise self.error("Invalid character entity at byte offset {offset}")
        self.index = match.end()
        return text

    def _tag(self) -> None:
        if self.source.startswith("</", self.index):
            self._end_tag()
        else:
            self._start_tag()

    def _start_tag(self) -> None:
        start = self.index
        match = _TAG_NAME.match(self.source, start + 1)
        assert match is not None
        tag = match.group().lower()
        if tag not in _TAGS:
            raise self.error(f'Unsupported start tag "{tag}" at byte offset {{offset}}')
        attributes = self._attributes(match.end(), tag, start)
        opened = _Open(tag, self.position, self._new_entity(tag, attributes, start), attributes)
        self.stack.append(opened)

    def _attributes(self, index: int, tag: str, start: int) -> dict[str, str]:
        attributes: dict[str, str] = {}
        source = self.source
        while True:
            index = _skip_spaces(source, index)
            if index >= len(source):
                raise self.error(f'Unclosed start tag "{tag}" at byte offset {{offset}}', start)
            if source[index] == ">":
                self.index = index + 1
                return attributes
            match = _ATTRIBUTE_NAME.match(source, index)
            if match is None:
                message = f'Unexpected character in start tag "{tag}" at byte offset {{offset}}'
                raise self.error(message, index)
            name = match.group().lower()
            index = _skip_spaces(source, match.end())
            value = ""
            if index < len(source) and source[index] == "=":
                value, index = self._attribute_value(_skip_spaces(source, index + 1), tag, start)
            attributes[name] = value

    def _attribute_value(self, index: int, tag: str, start: int) -> tuple[str, int]:
        source = self.source
        if index < len(source) and source[index] in "\"'":
            end = source.find(source[index], index + 1)
            if end < 0:
                raise self.error(f'Unclosed start tag "{tag}" at byte offset {{offset}}', start)
            return _decode_attribute(source[index + 1 : end]), end + 1
        match = _UNQUOTED.match(source, index)
        assert match is not None
        return _decode_attribute(match.group()), match.end()

    def _new_entity(
        self, tag: str, attributes: dict[str, str], start: int
    ) -> dict[str, Any] | None:
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise self.error(
                'Tag "span" must have class "tg-spoiler" at byte offset {offset}', start
            )
        if tag == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            message = 'Tag "tg-emoji" must have a numeric "emoji-id" at byte offset {offset}'
            raise self.error(message, start)
        if any(item.tag in _MONOSPACE for item in self.stack):
            return self._inner_code(tag, attributes)
        return _entity_for(tag, attributes)

    def _inner_code(self, tag: str, attributes: dict[str, str]) -> None:
        parent = self.stack[-1]
        language = attributes.get("class", "")
        is_pre_code = tag == "code" and parent.tag == "pre" and parent.entity is not None
        if is_pre_code and language.startswith("language-") and language != "language-":
            assert parent.entity is not None
            parent.entity["language"] = language.removeprefix("language-")

    def _end_tag(self) -> None:
        start = self.index
        match = _TAG_NAME.match(self.source, start + 2)
        assert match is not None
        tag = match.group().lower()
        end = _skip_spaces(self.source, match.end())
        if end >= len(self.source) or self.source[end] != ">":
            raise self.error(f'Can\'t find end of the end tag "{tag}" at byte offset {{offset}}')
        if not self.stack:
            raise self.error("Unexpected end tag at byte offset {offset}")
        opened = self.stack[-1]
        if opened.tag != tag:
            message = (
                f'Unmatched end tag at byte offset {{offset}}, expected "</{opened.tag}>", '
                f'found "</{tag}>"'
            )
            raise self.error(message)
        self.stack.pop()
        self.index = end + 1
        if opened.entity is not None and self.position > opened.start:
            length = self.position - opened.start
            self.entities.append({**opened.entity, "offset": opened.start, "length": length})


def _entity_for(tag: str, attributes: dict[str, str]) -> dict[str, Any] | None:
    kind = _TAGS[tag]
    if tag == "a":
        href = attributes.get("href", "")
        return {"type": kind, "url": href} if href else None
    if tag == "tg-emoji":
        return {"type": kind, "custom_emoji_id": attributes["emoji-id"]}
    if tag == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote"}
    return {"type": kind}


def _skip_spaces(source: str, index: int) -> int:
    while index < len(source) and source[index].isspace():
        index += 1
    return index


def _code_point(value: int) -> str:
    if value == 0 or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return ""
    return chr(value)


def _decode_attribute(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        named, decimal, hexadecimal = match.groups()
        if named is not None:
            return _NAMED.get(named, match.group())
        return _code_point(int(decimal) if decimal else int(hexadecimal, 16)) or match.group()

    return _ENTITY.sub(replace, raw)


def parse_html(source: str) -> FormattedText:
    """Parse Telegram HTML; raise `EntityParseError` as Telegram would refuse it."""
    return _Parser(source).parse()


def strip_text(formatted: FormattedText) -> FormattedText:
    """Drop leading and trailing whitespace as Telegram does, keeping entities in place."""
    text = formatted.text
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    end = lead + utf16_len(stripped)
    entities = []
    for entity in formatted.entities:
        start = max(entity["offset"], lead)
        stop = min(entity["offset"] + entity["length"], end)
        if stop > start:
            entities.append({**entity, "offset": start - lead, "length": stop - start})
    return FormattedText(stripped, tuple(entities))
