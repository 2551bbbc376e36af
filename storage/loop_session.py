"""Sessions for SQLite that run SQLAlchemy synchronously on the event loop's thread.

SQLAlchemy's AsyncSession runs each call in a greenlet of its own and reaches the driver
through an async adapter; for SQLite, whose statements take microseconds on this very
thread, that machinery cost twice what the work did (a transaction of three statements:
0.24 ms against 0.13 ms). `LoopSession` offers the part of AsyncSession's interface that
the services use over a synchronous engine's Connection, with the plain ORM `Session`
only where a service asks for it.

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

from storage.direct_sql import DirectResult, DirectStatements


class LoopSessions:
    """Makes `LoopSession`s on one synchronous SQLite engine, one transaction at a time."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turn = asyncio.Lock()
        self.direct = DirectStatements(engine.dialect)

    def __call__(self) -> LoopSession:
        return LoopSession(self)

    def dispose(self) -> None:
        self.engine.dispose()


class LoopSession:
    """AsyncSession's interface, as far as the services use it, over a synchronous
    Connection. Core statements on `connection()` run straight on the driver
    (`storage.direct_sql`); an ORM Session joins the same transaction only when a service
    asks for ORM work (`execute`, `add`, `flush`, `begin_nested`)."""

    def __init__(self, owner: LoopSessions) -> None:
        self._owner = owner
        self.info: dict[Any, Any] = {}
        self._connection: Connection | None = None
        self._orm: Session | None = None
        self._holding = False

    async def begin(self) -> None:
        await self._take_turn()

    async def execute(self, statement: Any, params: Any = None, **options: Any) -> Result[Any]:
        await self._take_turn()
        return self._session().execute(statement, params, **options)

    async def connection(self) -> LoopSessionConnection:
        await self._take_turn()
        return LoopSessionConnection(self._connected(), self._owner.direct)

    def add(self, instance: object) -> None:
        self._session().add(instance)

    async def flush(self) -> None:
        await self._take_turn()
        self._session().flush()

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        await self._take_turn()
        with self._session().begin_nested():
            yield

    async def commit(self) -> None:
        if self._orm is not None:
            self._orm.flush()
        if self._connection is not None and self._connection.in_transaction():
            self._connection.commit()

    async def rollback(self) -> None:
        if self._connection is not None and self._connection.in_transaction():
            self._connection.rollback()

    async def close(self) -> None:
        try:
            if self._orm is not None:
                self._orm.close()
            if self._connection is not None:
                self._connection.close()
        finally:
            self._orm = self._connection = None
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

    def _connected(self) -> Connection:
        if not self._holding:
            raise RuntimeError("the session is used before it began")
        if self._connection is None:
            self._connection = self._owner.engine.connect()
        if not self._connection.in_transaction():
            self._connection.begin()  # BEGIN IMMEDIATE (storage.db)
        return self._connection

    def _session(self) -> Session:
        connection = self._connected()
        if self._orm is None:
            self._orm = Session(
                bind=connection, expire_on_commit=False, join_transaction_mode="rollback_only"
            )
        return self._orm


class LoopSessionConnection:
    """The session's connection, with AsyncConnection's `execute`."""

    def __init__(self, connection: Connection, direct: DirectStatements) -> None:
        self._connection = connection
        self._direct = direct

    async def execute(self, statement: Any, params: Any = None) -> Result[Any] | DirectResult:
        if isinstance(params, dict):
            driver = self._connection.connection.driver_connection
            done = self._direct.execute(driver, statement, params)  # type: ignore[arg-type]
            if done is not None:
                return done
        return self._connection.execute(statement, params)
