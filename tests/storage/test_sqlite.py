"""How the program talks to SQLite: on the event loop's thread, with its pragmas."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from storage.db import create_engine


async def test_sqlite_statements_run_on_the_loop_thread_without_a_worker_thread(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    threads_before = set(threading.enumerate())

    async with engine.begin() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar_one()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar_one()
    await engine.dispose()

    assert set(threading.enumerate()) == threads_before
    assert (journal, foreign_keys) == ("wal", 1)
