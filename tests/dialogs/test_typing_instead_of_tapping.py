"""People who type instead of tapping: numbers, empty lines, language names."""

from __future__ import annotations

import io

import pytest

from bot.app import App
from bot.channels.console import ConsoleChannel
from tests.chat import Chat
from tests.dialogs.test_ask_the_team import stored


async def on_the_last_about_page(chat: Chat) -> None:
    """A page with three choices: Ask the team, All topics, Back to the menu."""
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:about")
    await chat.choose("page:11-cooperation")
    assert len(chat.choice_ids) == 3


@pytest.mark.parametrize("typed", ["99", "0", "-1", "1.", "+1", "11", "²", "٣", "1,5"])
async def test_a_number_where_a_choice_is_expected_asks_for_a_choice(
    app: App, chat: Chat, typed: str
) -> None:
    await on_the_last_about_page(chat)
    before = (await chat.position(), chat.prompt.token)

    await chat.send(typed)

    assert chat.text.startswith("Please choose one of the options below.\n\nStarting a cooperation")
    assert (await chat.position(), chat.prompt.token) == before
    assert await stored(app) == []


async def test_a_number_written_to_the_team_is_message_text(app: App, chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:ask")

    await chat.send("42")
    await chat.choose("send:yes")
    await chat.send("7")

    assert await stored(app) == [(1, "text", "42"), (1, "text", "7")]


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("99", "3"), ("0", "3"), ("-1", "3"), ("1.", "3"), ("+1", "3"), ("11", "3")],
)
async def test_the_console_names_the_range_of_numbers_on_screen(
    app: App, typed: str, shown: str
) -> None:
    output = io.StringIO()
    lines = f"/start\n7\n1\n11\n{typed}\n"
    await ConsoleChannel(app.dialogs, stdin=io.StringIO(lines), stdout=output).receive()

    assert (
        f"> {typed}\nPlease choose one of the options below. Type a number from 1 to {shown}.\n"
        in output.getvalue()
    )


async def test_the_console_takes_digits_of_every_script(app: App) -> None:
    output = io.StringIO()
    lines = "/start\n۷\n١\n"  # Persian 7 (English), then Arabic-Indic 1 (About)
    await ConsoleChannel(app.dialogs, stdin=io.StringIO(lines), stdout=output).receive()

    assert "What would you like to know about the project?" in output.getvalue()


@pytest.mark.parametrize(
    ("typed", "locale"),
    [
        ("English", "en"),
        ("englisch", "en"),
        ("ENGLSH", "en"),
        ("arabic", "ar"),
        ("العربية", "ar"),
        ("عربي", "ar"),
        ("farsi", "fa"),
        ("فارسي", "fa"),
        ("ukrainisch", "uk"),
        ("ukranian", "uk"),
        ("українська", "uk"),
        ("Русский", "ru"),
        ("türkisch", "tr"),
        ("Tieng Viet", "vi"),
        ("hornjoserbscina", "hsb"),
        ("Leichte Sprache", "de@easy"),
        ("pl", "pl"),
        (" Deutsch ", "de"),
    ],
)
async def test_typing_a_language_name_at_the_picker_chooses_it(
    chat: Chat, typed: str, locale: str
) -> None:
    await chat.send("/start")

    await chat.send(typed)

    assert await chat.position() == ("main_menu", "menu")
    state = await chat.engine.state(chat.who)
    assert state is not None
    assert state.locale == locale


async def test_text_at_the_picker_that_names_no_language_is_kept_for_the_team(
    app: App,
) -> None:
    chat = Chat(app.dialogs, hint="en")
    await chat.send("/start")

    await chat.send("Where is the English course?")
    assert chat.text.startswith("Please choose one of the languages below.")
    await chat.send("Help")
    await chat.send("7")
    assert chat.text.startswith("Please choose one of the options below.")
    await chat.choose("lang:en")

    assert chat.text.endswith("Shall I send your message to the team?")
    await chat.choose("send:yes")
    assert [text for _, _, text in await stored(app)] == ["Where is the English course?", "Help"]


@pytest.mark.parametrize(("answer", "locale"), [("lang:en", "en"), ("lang:keep", "de")])
async def test_after_the_language_offer_the_text_is_offered_to_the_team(
    app: App, chat: Chat, answer: str, locale: str
) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")
    await chat.send("Hello, I would like to know more about the project")
    assert chat.text == "It looks like you write in English. Shall we switch?"

    await chat.choose(answer)

    assert await chat.position() == ("ask_the_team", "confirm")
    question = {"en": "Shall I send your message to the team?", "de": "Soll ich Ihre"}
    assert question[locale] in chat.text
    await chat.choose("send:yes")
    assert await stored(app) == [(1, "text", "Hello, I would like to know more about the project")]
