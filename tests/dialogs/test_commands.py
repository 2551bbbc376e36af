"""Global commands work from every step of every flow."""

from __future__ import annotations

import pytest

from bot.config import Settings
from dialogs.flows import FLOWS
from tests.chat import Chat

ADMINS = tuple(range(900_000, 900_100))  # Telegram ids of admins, one per walk at most

# How to reach each step by presses, starting from a new person. A new flow or step must
# be added here, or test_every_step_of_every_flow_is_covered fails.
PATHS: dict[tuple[str, str], list[str]] = {
    ("first_contact", "language"): [],
    ("main_menu", "menu"): ["lang:en"],
    ("about", "topics"): ["lang:en", "menu:about"],
    ("about", "page"): ["lang:en", "menu:about", "page:03-trainings"],
    ("switch_language", "offer"): ["lang:de", "say:Hello, how are you today?"],
    ("ask_the_team", "write"): ["lang:en", "menu:ask"],
    ("ask_the_team", "confirm"): ["lang:en", "say:hallo"],
    ("privacy", "page"): ["lang:en", "menu:privacy"],
    ("admin", "menu"): ["lang:en", "say:/admin"],  # walked by an admin
    ("admin", "week"): ["lang:en", "say:/admin", "admin:week"],
}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url, admin_ids=ADMINS)  # type: ignore[call-arg]


def walker(chat: Chat, position: tuple[str, str], admin: int = ADMINS[0]) -> Chat:
    """The chat that walks to `position`: an admin's for the admin menu."""
    if position[0] != "admin":
        return chat
    return Chat(chat.engine, name=str(admin), channel="telegram", hint=chat.who.locale_hint)


def test_every_step_of_every_flow_is_covered() -> None:
    every_step = {(flow.name, str(step)) for flow in FLOWS.values() for step in flow.steps}
    assert set(PATHS) == every_step


async def walk(chat: Chat, position: tuple[str, str]) -> Chat:
    chat = walker(chat, position)
    await chat.send("/start")
    for step in PATHS[position]:
        if step.startswith("say:"):
            await chat.send(step.removeprefix("say:"))
        else:
            await chat.choose(step)
    assert await chat.position() == position
    return chat


@pytest.mark.parametrize("position", list(PATHS), ids="/".join)
async def test_cancel_from_every_step_returns_to_the_menu(
    chat: Chat,
    position: tuple[str, str],
) -> None:
    chat = await walk(chat, position)

    await chat.send("/cancel")

    assert await chat.position() == ("main_menu", "menu")
    assert chat.last.choices
    assert chat.text.endswith(("What would you like to do?", "Was möchten Sie tun?"))


@pytest.mark.parametrize("position", list(PATHS), ids="/".join)
async def test_help_from_every_step_keeps_the_step(chat: Chat, position: tuple[str, str]) -> None:
    chat = await walk(chat, position)

    await chat.send("/help")

    assert "/language" in chat.text
    assert await chat.position() == position


@pytest.mark.parametrize("position", list(PATHS), ids="/".join)
async def test_menu_from_every_step_opens_the_menu(chat: Chat, position: tuple[str, str]) -> None:
    chat = await walk(chat, position)

    await chat.send("/menu")

    assert await chat.position() == ("main_menu", "menu")


async def test_commands_addressed_to_the_bot_by_name_are_understood(chat: Chat) -> None:
    await walk(chat, ("about", "topics"))

    await chat.send("/menu@ErstkontaktBot")

    assert await chat.position() == ("main_menu", "menu")


async def test_cancel_drops_the_answers_collected_so_far(chat: Chat) -> None:
    await walk(chat, ("about", "page"))
    await chat.send("/cancel")

    await chat.choose("menu:about")

    assert await chat.position() == ("about", "topics")
