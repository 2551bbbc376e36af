"""First contact: the language picker, its pre-selection, and the menu in the chosen language."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.chat import Chat


async def test_a_person_without_language_hint_is_greeted_in_german(chat: Chat) -> None:
    await chat.send("/start")

    assert chat.text.startswith("Hallo!")
    assert chat.labels[0] == "Deutsch"
    assert "English" in chat.labels
    assert await chat.position() == ("first_contact", "language")


@pytest.mark.parametrize(
    ("hint", "greeting", "first"),
    [
        ("de", "Hallo!", "Deutsch"),
        ("en", "Hello!", "English"),
        ("en-GB", "Hello!", "English"),
        ("pt-br", "Hello!", "English"),
        ("zz", "Hello!", "English"),
    ],
)
async def test_the_channel_hint_preselects_a_language_and_an_unknown_one_english(
    app: App,
    hint: str,
    greeting: str,
    first: str,
) -> None:
    chat = Chat(app.dialogs, hint=hint)

    await chat.send("hi")

    assert chat.text.startswith(greeting)
    assert chat.labels[0] == first
    assert sorted(chat.choice_ids) == sorted(f"lang:{code}" for code in app.catalogs.locales)


async def test_choosing_english_opens_the_menu_in_english(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")

    assert chat.text == "Thank you. We will write in English.\n\nWhat would you like to do?"
    assert "About the project" in chat.labels
    assert await chat.position() == ("main_menu", "menu")


async def test_choosing_german_opens_the_menu_in_german(app: App) -> None:
    chat = Chat(app.dialogs, hint="en")
    await chat.send("/start")
    await chat.choose("lang:de")

    assert chat.text == "Danke. Wir schreiben auf Deutsch.\n\nWas möchten Sie tun?"
    assert "Über das Projekt" in chat.labels


async def test_a_known_person_is_welcomed_back_on_start(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:about")

    await chat.send("/start")

    assert chat.text.startswith("Welcome back!")
    assert await chat.position() == ("main_menu", "menu")


async def test_language_can_be_changed_at_any_time(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")
    await chat.choose("menu:about")

    await chat.send("/language")
    assert await chat.position() == ("first_contact", "language")
    await chat.choose("lang:en")

    assert chat.text.endswith("What would you like to do?")


async def test_a_language_we_do_not_offer_is_refused(chat: Chat) -> None:
    await chat.send("/start")
    before = chat.prompt.token

    await chat.press("lang:xx", token=before)

    assert chat.text.startswith("Diese Schaltfläche gehört zu einer früheren Nachricht.")
    assert await chat.position() == ("first_contact", "language")


async def test_the_picker_is_offered_again_to_free_text(chat: Chat) -> None:
    await chat.send("/start")

    await chat.send("Deutsch bitte")

    assert chat.text.startswith("Bitte wählen Sie unten eine Sprache.")
    assert chat.labels[0] == "Deutsch"
