"""The outbox under several workers at once: every message goes out once, in order."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import App
from bot.config import Settings
from storage.services import Services
from storage.uow import UnitOfWork
from tests.chat import Chat
from tests.fakes.clock import ManualClock
from tests.instances import Instance

WORKERS = 4
MESSAGES = 20


async def test_workers_racing_for_one_queue_deliver_each_message_once_in_order(
    app: App, settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    workers = [
        Instance(App.build(settings, clock=clock, compiled_dir=compiled_catalogs))
        for _ in range(WORKERS)
    ]
    chat = Chat(app.dialogs)
    await chat.send("/start ask")
    await chat.choose("lang:en")
    for n in range(MESSAGES):
        await chat.send(f"message {n}")
        if n == 0:
            await chat.choose("send:yes")  # the first waits for their agreement
    delivered: list[str] = []
    async with UnitOfWork(app.sessions) as uow:
        [queue] = await Services.bind(uow.session).outbox.queues_with_work()

    claiming = {"now": 0, "most": 0}  # how many workers were inside a claim at once

    async def work(app: App) -> None:
        idle_rounds = 0
        while idle_rounds < 3:
            claiming["now"] += 1
            claiming["most"] = max(claiming["most"], claiming["now"])
            async with UnitOfWork(app.sessions) as uow:
                item = await Services.bind(uow.session).outbox.claim_next(
                    queue=queue, now=clock.now()
                )
            claiming["now"] -= 1
            if item is None:
                idle_rounds += 1
                await asyncio.sleep(0)
                continue
            idle_rounds = 0
            delivered.append(item.payload["text"])
            async with UnitOfWork(app.sessions) as uow:
                await Services.bind(uow.session).outbox.mark_sent(item_id=item.id, now=clock.now())

    await asyncio.gather(*(worker.run(work) for worker in workers))
    for worker in workers:
        await worker.close()

    assert delivered == [f"message {n}" for n in range(MESSAGES)]
    if settings.database_url.startswith("postgresql"):  # SQLite serialises every write
        assert claiming["most"] > 1, "the workers never claimed at the same time"
