"""Races for real: several instances (as several processes would) on one database."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import Settings
from dialogs.core import Chosen, Command, PersonRef, Text
from storage.models import ChannelIdentity, Conversation, Person
from storage.services import Services
from storage.services.conversations import ConversationChanged
from storage.uow import UnitOfWork
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


async def test_saves_of_one_conversation_racing_lose_no_update(
    app: App, instances: list[Instance], settings: Settings, clock: ManualClock
) -> None:
    """Every instance reads the conversation, then all write it: on PostgreSQL all read
    before anyone writes (a barrier), so without the version check the last write would
    silently win over the others."""
    chat_starts = await app.dialogs.handle(
        PersonRef(channel="test", external_id="alice"), Command("start")
    )
    assert chat_starts
    racing = settings.database_url.startswith("postgresql")  # SQLite serialises writes
    all_read = threading.Barrier(PROCESSES)
    conflicts: list[int] = []

    async def add_mark(number: int, app: App) -> None:
        for attempt in range(PROCESSES + 1):
            try:
                async with UnitOfWork(app.sessions) as uow:
                    conversations = Services.bind(uow.session).conversations
                    opened = await conversations.open(channel="test", external_id="alice")
                    assert opened is not None
                    _, state = opened
                    assert state is not None
                    if racing and attempt == 0:
                        await asyncio.to_thread(all_read.wait, 30)
                    state.answers[f"mark {number}"] = True
                    await conversations.save(state, now=clock.now())
            except ConversationChanged:
                conflicts.append(number)
            else:
                return

    await asyncio.gather(
        *(instance.run(partial(add_mark, n)) for n, instance in enumerate(instances))
    )

    async with UnitOfWork(app.sessions) as uow:
        opened = await Services.bind(uow.session).conversations.open(
            channel="test", external_id="alice"
        )
    assert opened is not None
    _, state = opened
    assert state is not None
    assert {f"mark {n}" for n in range(PROCESSES)} <= set(state.answers)
    if racing:
        assert len(conflicts) >= PROCESSES - 1, "the saves never overlapped"
