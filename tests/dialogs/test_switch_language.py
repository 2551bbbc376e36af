"""Text in another language than the chosen one gets one offer to switch."""

from __future__ import annotations

import pytest

from dialogs.language_guess import LanguageGuesser
from tests.chat import Chat

LOCALES = ["de", "de@easy", "en", "uk", "ru", "ar", "fa", "ps", "tr", "ku", "es", "pl", "vi", "hsb"]


async def test_english_text_in_a_german_conversation_is_offered_english(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")

    await chat.send("Hello, I would like to know more about the project")

    assert chat.text == "It looks like you write in English. Shall we switch?"
    assert chat.labels == ["Yes, switch", "Nein, bei Deutsch bleiben"]
    await chat.choose("lang:en")
    assert chat.text.startswith("Thank you. We will write in English.\n\nWhat happens with")
    assert chat.text.endswith("Shall I send your message to the team?")


async def test_the_offer_is_made_once_per_conversation(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")
    await chat.send("Hello, I would like to know more about the project")
    await chat.choose("lang:keep")

    await chat.send("Can you tell me more about the trainings please")

    assert chat.text.endswith("Soll ich Ihre Nachricht an das Team senden?")
    assert await chat.position() == ("ask_the_team", "confirm")


async def test_short_texts_and_the_same_language_get_no_offer(chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")

    await chat.send("hello there")
    assert chat.text.endswith("Soll ich Ihre Nachricht an das Team senden?")
    await chat.send("Ich möchte gern mehr über das Projekt wissen")
    assert chat.text.endswith("Soll ich Ihre Nachricht an das Team senden?")


@pytest.mark.parametrize("current", ["ps", "ku", "hsb", "de@easy"])
def test_no_switch_is_offered_away_from_languages_the_detector_does_not_know(
    current: str,
) -> None:
    guesser = LanguageGuesser(LOCALES)

    assert guesser.other_language("Доброго дня, я хочу дізнатися більше", current=current) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Доброго дня, я хочу дізнатися більше про проєкт", "uk"),
        ("Здравствуйте, я хочу узнать больше о проекте", "ru"),
        ("مرحبا، أريد أن أعرف المزيد عن المشروع", "ar"),
        ("سلام، می‌خواهم درباره این پروژه بیشتر بدانم", "fa"),
        ("Merhaba, proje hakkında daha fazla bilgi almak istiyorum", "tr"),
        ("Hola, quiero saber más sobre el proyecto", "es"),
        ("Dzień dobry, chciałbym dowiedzieć się więcej o projekcie", "pl"),
        ("Xin chào, tôi muốn biết thêm về dự án", "vi"),
    ],
)
def test_the_languages_people_write_in_are_recognised(text: str, language: str) -> None:
    assert LanguageGuesser(LOCALES).other_language(text, current="de") == language
