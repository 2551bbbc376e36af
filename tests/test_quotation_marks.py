"""Quotation marks as each language writes them (CLDR's delimiters), in every text a
person reads: the catalogs, the content pages, and the project's name in the greeting."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from dialogs.content import PROJECT_NAME
from dialogs.i18n import LOCALES_DIR, QUOTES, Catalogs
from tests.chat import Chat

LOCALES = sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
MARKS = re.compile(r"[“”„‚‘’«»‹›\"]")
APOSTROPHE = re.compile(r"(?<=\w)[’'‘](?=\w)")


def texts_of(locale: str) -> list[tuple[str, str]]:
    """Every text of the locale a person may read, with where it comes from."""
    found = [
        (str(page.relative_to(LOCALES_DIR)), page.read_text(encoding="utf-8"))
        for page in sorted((LOCALES_DIR / locale / "content").rglob("*.md"))
    ]
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        for message in read_po(handle):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            found += [(f"msgstr of {message.id!r}", s) for s in strings if message.id and s]
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_every_text_uses_only_the_languages_own_quotation_marks(locale: str) -> None:
    own = set(QUOTES[locale.split("@")[0]])
    wrong = [
        (where, mark)
        for where, text in texts_of(locale)
        for mark in MARKS.findall(APOSTROPHE.sub("", text))
        if mark not in own
    ]

    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_quotes_open_and_close_in_pairs(locale: str) -> None:
    start, end, *_ = QUOTES[locale.split("@")[0]]
    for where, text in texts_of(locale):
        for line in text.splitlines():
            if start != end:
                assert line.count(start) == line.count(end), (where, line)


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_greeting_quotes_the_projects_name_as_the_language_does(
    chat: Chat, compiled_catalogs: Path, locale: str
) -> None:
    t = Catalogs.load(compiled_catalogs).translator(locale)
    await chat.send("/start")
    await chat.choose(f"lang:{locale}")

    await chat.send("/help")

    start, end, *_ = QUOTES[locale.split("@")[0]]
    assert f"{start}{PROJECT_NAME}{end}" in chat.text
    assert t.quoted(PROJECT_NAME) in chat.raw_text
