"""Races for real: several instances (as several processes would) on one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from dialogs.core import Chosen, Command, PersonRef, Text
from storage.models import ChannelIdentity, Conversation, Person
from tests.fakes.clock import ManualClock
from tests.instances import Instance

PROCESSES = 4


@pytest.fixture
async def instances(
    settings: Settings,
    clock: ManualClock,
    compiled_catalogs: Path,
) -> AsyncIterator[list[Instance]]:
    built = [
        Instance(App.build(settings, clock=clock, compiled_dir=compiled_catalogs))
        for _ in range(PROCESSES)
    ]
    yield built
    for instance in built:
        await instance.close()


async def count(app: App, model: type) -> int:
    async with app.sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_a_new_person_writing_to_several_processes_at_once_is_one_person(
    instances: list[Instance], app: App
) -> None:
    who = PersonRef(channel="test", external_id="racer", locale_hint="en")

    replies = await asyncio.gather(
        *(each.run(lambda app: app.dialogs.handle(who, Text("hi"))) for each in instances)
    )

    assert all(replies)
    assert await count(app, Person) == 1
    assert await count(app, ChannelIdentity) == 1
    async with app.sessions() as session:
        conversation = (await session.execute(select(Conversation))).scalar_one()
    assert conversation.version == PROCESSES


async def test_events_of_one_person_in_one_process_are_handled_one_after_the_other(
    app: App,
) -> None:
    who = PersonRef(channel="test", external_id="burst")
    presses = [("lang", "en", 1), ("menu", "about", 2), ("page", "01-aims", 3), ("nav", "next", 4)]
    events = [Command("start"), *(Chosen(group, value, token) for group, value, token in presses)]

    replies = await asyncio.gather(*(app.dialogs.handle(who, event) for event in events))

    assert [reply[-1].token for reply in replies] == [1, 2, 3, 4, 5]
    assert replies[-1][-1].text.plain_text.startswith("Systemic process accompaniment")
