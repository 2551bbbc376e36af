"""About the project: every page reachable, in every locale, by presses alone."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from dialogs.content import ContentLibrary
from dialogs.i18n import LOCALES_DIR
from tests.chat import Chat
from tests.fakes.clock import ManualClock

LOCALES = sorted(p.name for p in LOCALES_DIR.iterdir() if (p / "content").is_dir())


async def open_about(chat: Chat, locale: str) -> None:
    await chat.send("/start")
    await chat.choose(f"lang:{locale}")
    await chat.choose("menu:about")


@pytest.mark.parametrize("locale", LOCALES)
async def test_every_about_page_opens_from_the_topic_list(app: App, locale: str) -> None:
    pages = ContentLibrary(LOCALES_DIR, clock=ManualClock()).pages(locale, "about")
    chat = Chat(app.dialogs)
    await open_about(chat, locale)
    assert chat.labels[: len(pages)] == [page.title for page in pages]

    for page in pages:
        await chat.choose(f"page:{page.slug}")
        assert chat.text.startswith(page.title)
        assert page.body.paragraphs[0].plain in chat.text
        await chat.choose("nav:topics")


@pytest.mark.parametrize("locale", LOCALES)
async def test_next_leads_through_every_page_in_order(app: App, locale: str) -> None:
    pages = ContentLibrary(LOCALES_DIR, clock=ManualClock()).pages(locale, "about")
    chat = Chat(app.dialogs)
    await open_about(chat, locale)
    await chat.choose(f"page:{pages[0].slug}")

    seen = [chat.text.split("\n\n")[0]]
    while "nav:next" in chat.choice_ids:
        await chat.choose("nav:next")
        seen.append(chat.text.split("\n\n")[0])

    assert seen == [page.title for page in pages]


async def test_the_bautzen_page_names_both_contacts(chat: Chat) -> None:
    await open_about(chat, "de")
    await chat.choose("page:10-contacts")

    assert "Hamida Taamiri" in chat.text
    assert "Peter Streubel" in chat.text


async def test_back_to_the_menu_from_a_page(chat: Chat) -> None:
    await open_about(chat, "en")
    await chat.choose("page:01-aims")

    await chat.choose("nav:menu")

    assert chat.text == "What would you like to do?"


async def test_a_page_removed_by_staff_meanwhile_leads_back_to_the_list(
    settings: Settings,
    clock: ManualClock,
    compiled_catalogs: Path,
    tmp_path: Path,
) -> None:
    locales = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, locales)
    app = App.build(settings, clock=clock, locales_dir=locales, compiled_dir=compiled_catalogs)
    chat = Chat(app.dialogs)
    await open_about(chat, "en")
    await chat.choose("page:01-aims")
    (locales / "en/content/about/02-process-accompaniment.md").unlink()
    clock.advance(seconds=3)  # pages are looked at again every few seconds

    await chat.choose("nav:next")

    assert await chat.position() == ("about", "page")
    assert chat.text.startswith("Trainings")
    await chat.choose("nav:topics")
    assert "page:02-process-accompaniment" not in chat.choice_ids
    await app.close()


async def test_the_english_menu_and_topics_call_the_same_things_by_the_same_names(
    chat: Chat,
) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    menu = dict(zip(chat.choice_ids, chat.labels, strict=True))
    await chat.choose("menu:about")
    topics = dict(zip(chat.choice_ids, chat.labels, strict=True))

    assert menu["menu:trainings"] == topics["page:03-trainings"] == "Trainings"
    assert "the district of Bautzen" in menu["menu:bautzen"]
    assert "the district of Bautzen" in topics["page:07-bautzen"]


@pytest.mark.parametrize(
    ("entry", "page", "title"),
    [
        ("conversation", "11-cooperation", "Starting a cooperation"),
        ("trainings", "03-trainings", "Trainings"),
        ("bautzen", "07-bautzen", "Sub-project in the district of Bautzen"),
    ],
)
async def test_entries_still_being_built_open_their_topic_with_the_team_one_press_away(
    chat: Chat, entry: str, page: str, title: str
) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")

    await chat.choose(f"menu:{entry}")

    assert chat.text.startswith(title)
    assert await chat.position() == ("about", "page")
    assert chat.choice_ids[0] == "nav:ask"
    await chat.choose("nav:ask")
    assert await chat.position() == ("ask_the_team", "write")


async def test_every_about_page_offers_to_ask_the_team(chat: Chat) -> None:
    await open_about(chat, "en")
    slugs = [c for c in chat.choice_ids if c.startswith("page:")]

    for slug in slugs:
        await chat.choose(slug)
        assert chat.labels[0] == "Ask the team", slug
        await chat.choose("nav:topics")


@pytest.mark.parametrize(
    ("locale", "named", "misread"),
    [("en", "your Telegram ID", "Telegram number"), ("de", "Ihre Telegram-ID", "Telegram-Nummer")],
)
def test_the_privacy_page_names_the_telegram_id_not_a_number(
    locale: str, named: str, misread: str
) -> None:
    [page] = ContentLibrary(LOCALES_DIR, clock=ManualClock()).pages(locale, "privacy")

    assert named in page.body.plain_text
    assert misread not in page.body.plain_text
