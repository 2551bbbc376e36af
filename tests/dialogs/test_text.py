"""The Markdown subset of the content files: what it accepts and what it refuses."""

from __future__ import annotations

import pytest

from dialogs.content import parse_page
from dialogs.text import MarkupError, RichText, Span


def test_paragraphs_bullets_emphasis_and_links_are_read() -> None:
    text = RichText.from_markdown(
        "First **bold** and *italic*.\n\n- one\n- [mail](mailto:a@b.de)\n\nLast line\nwrapped"
    )

    kinds = [p.kind for p in text.paragraphs]
    assert kinds == ["text", "bullet", "bullet", "text"]
    assert text.paragraphs[0].spans == (
        Span("First "),
        Span("bold", "bold"),
        Span(" and "),
        Span("italic", "italic"),
        Span("."),
    )
    assert text.paragraphs[2].spans == (Span("mail", "link", "mailto:a@b.de"),)
    assert text.paragraphs[3].plain == "Last line\nwrapped"


@pytest.mark.parametrize(
    "source",
    [
        "a [link](javascript:alert(1))",
        "<b>html</b>",
        "**unbalanced",
        "# heading in body",
        "text\n- bullet mixed in",
    ],
)
def test_markup_outside_the_subset_is_refused(source: str) -> None:
    with pytest.raises(MarkupError):
        RichText.from_markdown(source)


def test_plain_text_is_never_read_as_markup() -> None:
    text = RichText.plain("<b>**not bold**</b> & [x](https://e.org)")

    assert text.paragraphs[0].spans == (Span("<b>**not bold**</b> & [x](https://e.org)"),)


@pytest.mark.parametrize(
    "source",
    ["No title\n\nbody", "#\n\nbody", "# Title\nbody right below", f"# {'x' * 60}\n\nb"],
)
def test_a_page_needs_a_short_title_line_and_an_empty_line(source: str) -> None:
    with pytest.raises(MarkupError):
        parse_page("01-x", source)
