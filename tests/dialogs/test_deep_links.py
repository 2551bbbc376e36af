"""Deep links open a flow directly, after the language picker for a new person."""

from __future__ import annotations

import pytest

from bot.app import App
from dialogs.deep_links import DeepLink, parse_payload
from storage.services import Services
from storage.uow import UnitOfWork
from tests.chat import Chat


async def visits(app: App) -> dict[str | None, int]:
    async with UnitOfWork(app.sessions) as uow:
        return await Services.bind(uow.session).deep_link_visits.by_source()


@pytest.mark.parametrize(
    ("payload", "link"),
    [
        ("about", DeepLink("about")),
        ("about-07", DeepLink("about-07")),
        ("about-07--poster_bautzen_2026", DeepLink("about-07", "poster_bautzen_2026")),
        ("ask--flyer", DeepLink("ask", "flyer")),
        ("about-7", None),
        ("training-12", None),
        ("about--", None),
        ("about--" + "x" * 33, None),
        ("about<b>", None),
        ("a" * 65, None),
    ],
)
def test_the_payload_format_is_stable(payload: str, link: DeepLink | None) -> None:
    assert parse_payload(payload) == link


async def test_a_new_person_gets_the_picker_then_the_linked_page(app: App, chat: Chat) -> None:
    await chat.send("/start about-07--poster")
    assert await chat.position() == ("first_contact", "language")

    await chat.choose("lang:en")

    assert chat.text.startswith(
        "Thank you. We will write in English.\n\nSub-project in the district of Bautzen"
    )
    assert await chat.position() == ("about", "page")
    assert await visits(app) == {"poster": 1}


async def test_a_known_person_goes_straight_to_the_linked_page(app: App, chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:de")

    await chat.send("/start about-10")

    assert chat.text.startswith("Kontakte")
    assert await visits(app) == {None: 1}


async def test_an_unknown_payload_is_a_normal_start_and_not_counted(app: App, chat: Chat) -> None:
    await chat.send("/start")
    await chat.choose("lang:en")

    await chat.send("/start <script>")

    assert chat.text.startswith("Welcome back!")
    assert await visits(app) == {}


async def test_a_link_to_a_page_that_no_longer_exists_opens_the_menu(chat: Chat) -> None:
    await chat.send("/start about-99")
    await chat.choose("lang:en")

    assert await chat.position() == ("main_menu", "menu")


async def test_ask_opens_ask_the_team_after_the_picker(chat: Chat) -> None:
    await chat.send("/start ask--flyer")
    await chat.choose("lang:de")

    assert "Schreiben Sie Ihre Frage an das Team." in chat.text
    assert await chat.position() == ("ask_the_team", "write")
