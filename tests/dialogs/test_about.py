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
    assert chat.text.startswith("Training courses")
    await chat.choose("nav:topics")
    assert "page:02-process-accompaniment" not in chat.choice_ids
    await app.close()


async def test_capabilities_still_being_built_say_so_and_keep_the_menu(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")

    await chat.choose("menu:trainings")

    assert chat.text.startswith("This is coming soon.")
    assert await chat.position() == ("main_menu", "menu")
