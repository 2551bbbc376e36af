"""How the program talks to its database: SQLite on the event loop's thread, with its pragmas;
transactions that wait for something else do not stall the others."""

from __future__ import annotations

import asyncio
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from bot.app import App
from storage.db import create_engine, dispose, session_factory
from storage.services import Services
from storage.uow import UnitOfWork


async def test_sqlite_sessions_run_on_the_loop_thread_with_wal_and_foreign_keys(
    tmp_path: Path, sqlite_template: Path
) -> None:
    target = tmp_path / "db.sqlite"
    shutil.copyfile(sqlite_template, target)
    engine = create_engine(f"sqlite:///{target}")
    sessions = session_factory(engine)
    threads_before = set(threading.enumerate())

    async with UnitOfWork(sessions) as uow:
        journal = (await uow.session.execute(text("PRAGMA journal_mode"))).scalar_one()
        foreign_keys = (await uow.session.execute(text("PRAGMA foreign_keys"))).scalar_one()
    await dispose(engine, sessions)

    assert set(threading.enumerate()) == threads_before
    assert (journal, foreign_keys) == ("wal", 1)


async def test_a_transaction_waiting_on_something_else_makes_the_next_wait_without_blocking(
    app: App,
) -> None:
    first_inside = asyncio.Event()
    go_on = asyncio.Event()

    async def first() -> None:
        async with UnitOfWork(app.sessions) as uow:
            await Services.bind(uow.session).deep_link_visits.count(
                target="about", source="first", now=datetime.now(UTC)
            )
            first_inside.set()
            await go_on.wait()  # the loop serves others meanwhile

    async def second() -> None:
        await first_inside.wait()
        async with UnitOfWork(app.sessions) as uow:
            await Services.bind(uow.session).deep_link_visits.count(
                target="about", source="second", now=datetime.now(UTC)
            )

    async def release() -> None:
        await first_inside.wait()
        go_on.set()

    await asyncio.wait_for(asyncio.gather(first(), second(), release()), timeout=10)

    async with UnitOfWork(app.sessions) as uow:
        counted = await Services.bind(uow.session).deep_link_visits.by_source()
    assert counted == {"first": 1, "second": 1}
