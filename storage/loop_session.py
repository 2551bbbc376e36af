"""Sessions for SQLite that run SQLAlchemy's synchronous ORM on the event loop's thread.

SQLAlchemy's AsyncSession runs each call in a greenlet of its own and reaches the driver
through an async adapter; for SQLite, whose statements take microseconds on this very
thread, that machinery cost twice what the work did (a transaction of three statements:
0.24 ms against 0.13 ms). `LoopSession` offers the part of AsyncSession's interface that
the services use and runs the plain `Session` underneath, on a synchronous engine.

Statements do not wait for anything but SQLite, so one transaction at a time is held by
an asyncio lock instead of a pool: a second session waits for it without blocking the loop.
PostgreSQL keeps the real AsyncSession.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, Result
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


class LoopSessions:
    """Makes `LoopSession`s on one synchronous SQLite engine, one transaction at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turn = asyncio.Lock()

    def __call__(self) -> LoopSession:
        return LoopSession(self)

    def dispose(self) -> None:
        self.engine.dispose()


class LoopSession:
    """AsyncSession's interface, as far as the services use it, over a synchronous Session."""

    def __init__(self, owner: LoopSessions) -> None:
        self._owner = owner
        self.sync_session = Session(owner.engine, expire_on_commit=False)
        self._holding = False

    @property
    def info(self) -> dict[Any, Any]:
        return self.sync_session.info

    async def begin(self) -> None:
        await self._take_turn()
        self.sync_session.begin()

    async def execute(self, statement: Any, params: Any = None, **options: Any) -> Result[Any]:
        await self._take_turn()
        return self.sync_session.execute(statement, params, **options)

    async def connection(self) -> LoopSessionConnection:
        await self._take_turn()
        return LoopSessionConnection(self.sync_session.connection())

    def add(self, instance: object) -> None:
        self.sync_session.add(instance)

    async def flush(self) -> None:
        await self._take_turn()
        self.sync_session.flush()

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        await self._take_turn()
        with self.sync_session.begin_nested():
            yield

    async def commit(self) -> None:
        self.sync_session.commit()

    async def rollback(self) -> None:
        self.sync_session.rollback()

    async def close(self) -> None:
        try:
            self.sync_session.close()
        finally:
            if self._holding:
                self._holding = False
                self._owner.turn.release()

    async def __aenter__(self) -> LoopSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _take_turn(self) -> None:
        if not self._holding:
            await self._owner.turn.acquire()
            self._holding = True


class LoopSessionConnection:
    """The session's connection, with AsyncConnection's `execute`."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    async def execute(self, statement: Any, params: Any = None) -> Result[Any]:
        return self._connection.execute(statement, params)
