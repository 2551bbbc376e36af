"""Bad input gets a short answer in the person's language; the state stays as it was."""

from __future__ import annotations

import logging

import pytest

from tests.chat import Chat


async def on_the_english_menu(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")


async def state_of(chat: Chat) -> tuple:
    return (await chat.position(), chat.prompt.choices)


@pytest.mark.parametrize(
    "message", ["", "   \n\t ", "\x00\x07\x1b\x7f"], ids=["empty", "blank", "control-characters"]
)
async def test_an_empty_line_where_a_choice_is_expected_asks_for_a_choice(
    chat: Chat, caplog: pytest.LogCaptureFixture, message: str
) -> None:
    await on_the_english_menu(chat)
    before = await state_of(chat)

    with caplog.at_level(logging.INFO, logger="dialogs.engine"):
        await chat.send(message)

    assert chat.text == "Please choose one of the options below.\n\nWhat would you like to do?"
    assert await state_of(chat) == before
    assert any("typed instead of choosing" in r.getMessage() for r in caplog.records)


async def test_an_empty_message_to_the_team_asks_for_a_few_words(chat: Chat) -> None:
    await on_the_english_menu(chat)
    await chat.choose("menu:ask")

    await chat.send(" ")

    assert chat.text.startswith("Your message was empty. Please write a few words.")
    assert await chat.position() == ("ask_the_team", "write")


async def test_overlong_text_is_answered_and_changes_nothing(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    await on_the_english_menu(chat)
    before = await state_of(chat)
    message = "x" * 10_000

    with caplog.at_level(logging.INFO, logger="dialogs.engine"):
        await chat.send(message)

    assert chat.text.startswith(
        "Your message is too long for me. Please keep it under 4,096 characters."
    )
    assert chat.text.endswith("What would you like to do?")
    assert await state_of(chat) == before
    rejected = [r.getMessage() for r in caplog.records if "rejected text" in r.getMessage()]
    assert len(rejected) == 1
    assert message[:20] not in rejected[0]


async def test_text_with_control_characters_is_cleaned_not_refused(chat: Chat) -> None:
    await on_the_english_menu(chat)

    await chat.send("hel\x00lo\x1b")

    assert chat.text.endswith("Shall I send your message to the team?")


async def test_an_unknown_command_is_answered_and_changes_nothing(
    chat: Chat,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await on_the_english_menu(chat)
    await chat.choose("menu:about")
    before = await chat.position()

    with caplog.at_level(logging.INFO):
        await chat.send("/frobnicate now")

    assert chat.text.startswith("I don't know that command. /help shows what I understand.")
    assert await chat.position() == before
    assert any("unknown command" in r.getMessage() for r in caplog.records)


async def test_a_press_on_an_older_message_is_stale_and_changes_nothing(
    chat: Chat,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await on_the_english_menu(chat)
    old_menu = chat.prompt.token
    await chat.choose("menu:about")
    before = await chat.position()

    with caplog.at_level(logging.INFO, logger="dialogs.engine"):
        await chat.press("menu:language", token=old_menu)

    assert chat.text.startswith("That button is from an earlier message. Here is where we are now:")
    assert await chat.position() == before == ("about", "topics")
    assert any("reason=stale" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("forged", ["menu:admin", "lang:de", "nav:next", "x:y"])
async def test_a_choice_never_offered_is_refused_and_changes_nothing(
    chat: Chat,
    caplog: pytest.LogCaptureFixture,
    forged: str,
) -> None:
    await on_the_english_menu(chat)

    with caplog.at_level(logging.INFO, logger="dialogs.engine"):
        await chat.press(forged, token=chat.prompt.token)

    assert chat.text.startswith("That button is from an earlier message.")
    assert await chat.position() == ("main_menu", "menu")
    assert any("reason=not_offered" in r.getMessage() for r in caplog.records)


async def test_a_press_without_token_is_still_checked_against_the_offer(chat: Chat) -> None:
    await on_the_english_menu(chat)

    await chat.press("menu:secret", token=None)

    assert await chat.position() == ("main_menu", "menu")
    await chat.press("menu:about", token=None)
    assert await chat.position() == ("about", "topics")


@pytest.mark.parametrize("kind", ["sticker", "location", "animation", "video_note"])
async def test_media_the_team_would_not_need_gets_a_friendly_answer(
    chat: Chat,
    kind: str,
) -> None:
    await on_the_english_menu(chat)

    await chat.send_media(kind)  # type: ignore[arg-type]

    assert chat.text.startswith("Thank you! I cannot use this here.")
    assert await chat.position() == ("main_menu", "menu")


async def test_bad_input_is_answered_in_the_persons_language(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")

    await chat.send("")
    assert chat.text.startswith("Bitte wählen Sie eine der Möglichkeiten unten.")
    await chat.send("/unbekannt")
    assert chat.text.startswith("Diesen Befehl kenne ich nicht.")
