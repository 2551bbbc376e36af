"""Right-to-left text, checked with the Unicode bidi algorithm (python-bidi) for the order a
reader sees, not by eye: every value in a sentence reads as one unit, and every line of a
right-to-left reply runs right to left, in Telegram and in the console alike."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bidi import get_base_level, get_display

from bot.app import App
from bot.channels.console import ConsoleChannel
from dialogs import bidi
from dialogs.content import ContentLibrary
from dialogs.i18n import LOCALES_DIR, Catalogs, Translator
from dialogs.text import RichText
from tests.chat import Chat
from tests.fakes.clock import ManualClock

LOCALES = sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "LC_MESSAGES").is_dir())
RIGHT_TO_LEFT = ("ar", "fa", "ps")
NOW = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # a Wednesday, 8:30 in Berlin
BACK = "The team is not at work now. It will read your message when it is back: {when}."


def seen(text: str, *, rtl: bool) -> str:
    """What a reader sees, left to right on the screen, without the invisible marks."""
    shown = get_display(text, base_dir="R" if rtl else "L")
    return "".join(c for c in shown if c not in bidi.CONTROLS)


def reads_as_one_unit(sentence: str, value: str, *, rtl: bool, value_rtl: bool) -> bool:
    """Whether `value` appears in `sentence` on screen as it does on its own, in its own
    direction: nothing of the sentence torn into it, nothing of it torn out."""
    alone = seen(value.strip("".join(bidi.CONTROLS)), rtl=value_rtl)
    return alone in seen(sentence, rtl=rtl)


@pytest.fixture(scope="module")
def translators(compiled_catalogs: Path) -> dict[str, Translator]:
    catalogs = Catalogs.load(compiled_catalogs)
    return {code: catalogs.translator(code) for code in LOCALES}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("days", [0, 1, 5, 40])
def test_a_day_and_time_reads_as_one_unit_in_a_sentence(
    translators: dict[str, Translator], locale: str, days: int
) -> None:
    t = translators[locale]
    when = t.format_moment(NOW + timedelta(days=days, hours=1), now=NOW)

    sentence = t.gettext(BACK).format(when=when)

    assert reads_as_one_unit(sentence, when, rtl=t.rtl, value_rtl=t.rtl), seen(sentence, rtl=t.rtl)


def test_a_right_to_left_date_is_isolated_right_to_left(
    translators: dict[str, Translator],
) -> None:
    """Arabic date patterns carry RLMs: inside a left-to-right isolate the day is torn off."""
    when = translators["ar"].format_moment(NOW + timedelta(days=5), now=NOW)

    assert when.startswith(bidi.RLI)
    assert when.endswith(bidi.PDI)


@pytest.mark.parametrize("locale", LOCALES)
def test_phone_numbers_and_addresses_read_left_to_right_in_every_contact_line(
    locale: str,
) -> None:
    page = ContentLibrary(LOCALES_DIR, clock=ManualClock()).pages(locale, "about")
    [contacts] = [p for p in page if p.slug == "10-contacts"]
    rtl = locale in RIGHT_TO_LEFT
    body = bidi.right_to_left(contacts.body) if rtl else contacts.body

    links = [s.text for p in body.paragraphs for s in p.spans if s.style == "link"]
    assert len(links) == 4
    for paragraph in body.paragraphs:
        for span in (s for s in paragraph.spans if s.style == "link"):
            assert reads_as_one_unit(paragraph.plain, span.text, rtl=rtl, value_rtl=False)


@pytest.mark.parametrize("locale", RIGHT_TO_LEFT)
async def test_every_line_of_a_right_to_left_reply_runs_right_to_left(
    app: App, locale: str
) -> None:
    chat = Chat(app.dialogs)
    await chat.send("/start")
    await chat.choose(f"lang:{locale}")
    await chat.choose("menu:about")
    await chat.choose("page:10-contacts")

    lines = [line for line in chat.raw_text.split("\n") if line]
    assert any(line.lstrip(bidi.RLM).startswith("Hamida") for line in lines)
    assert [get_base_level(line) for line in lines] == [1] * len(lines)


async def test_the_console_shows_the_same_marks_as_telegram(app: App) -> None:
    output = io.StringIO()
    console = ConsoleChannel(
        app.dialogs, name="rtl", stdin=io.StringIO("/start\n4\n1\n10\n"), stdout=output
    )

    await console.receive()

    contacts = output.getvalue().split("> 10\n")[1]
    lines = [line for line in contacts.split("\n") if line.strip()]
    assert "Hamida Taamiri" in contacts
    assert bidi.isolated("01575 5520787", bidi.LRI) in contacts
    assert [get_base_level(line) for line in lines] == [1] * len(lines)


def test_links_keep_left_to_right_only_in_right_to_left_text() -> None:
    text = RichText.from_markdown(
        "هاتف [01575 5520787](tel:+4915755520787) أو [a@b.de](mailto:a@b.de)"
    )

    directed = bidi.right_to_left(text).plain_text

    assert directed.startswith(bidi.RLM)
    assert bidi.isolated("01575 5520787", bidi.LRI) in directed
    assert bidi.isolated("a@b.de", bidi.LRI) in directed
