"""A restart in the middle of a flow continues where the conversation was."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.config import Settings
from tests.chat import Chat
from tests.fakes.clock import ManualClock


async def test_a_restart_between_two_presses_continues_at_the_same_step(
    settings: Settings,
    clock: ManualClock,
    compiled_catalogs: Path,
) -> None:
    before = App.build(settings, clock=clock, compiled_dir=compiled_catalogs)
    chat = Chat(before.dialogs)
    await chat.send("/start")
    await chat.choose("lang:en")
    await chat.choose("menu:about")
    await chat.choose("page:07-bautzen")
    button_on_screen = chat.prompt
    await before.close()

    after = App.build(settings, clock=clock, compiled_dir=compiled_catalogs)
    resumed = Chat(after.dialogs)
    resumed.transcript.append(button_on_screen)
    await resumed.choose("nav:next")

    assert resumed.text.startswith("Costs and funding")
    assert await resumed.position() == ("about", "page")
    await after.close()


async def test_each_channel_identity_has_its_own_conversation(app: App) -> None:
    alice = Chat(app.dialogs, name="alice")
    bob = Chat(app.dialogs, name="bob")
    await alice.send("/start")
    await alice.choose("lang:en")
    await bob.send("/start")

    assert await alice.position() == ("main_menu", "menu")
    assert await bob.position() == ("first_contact", "language")
