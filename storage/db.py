"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite is set up here and nowhere else: WAL, a busy timeout, foreign keys, write
transactions that begin IMMEDIATE so that two writers queue instead of failing late, and
statements run on the event loop's own thread (see `LoopConnection`).
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
from sqlalchemy import Table, TextClause, bindparam, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 30_000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgresql": "postgresql+asyncpg",
    "postgres": "postgresql+asyncpg",
}


class UnsupportedDatabase(ValueError):
    pass


def async_url(url: str) -> str:
    """Give `sqlite:///…` and `postgresql://…` URLs their async drivers."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise UnsupportedDatabase("expected sqlite:///path or postgresql://host/db")
    backend = scheme.split("+")[0]
    if backend not in _ASYNC_DRIVERS:
        raise UnsupportedDatabase(f"unsupported database {backend!r}; use sqlite or postgresql")
    return f"{_ASYNC_DRIVERS[backend]}://{rest}"


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url`; SQLite files get their folder created and their pragmas."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite":
        return _create_async_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    database = parsed.database or ":memory:"

    async def connect() -> LoopConnection:
        opened = LoopConnection(
            lambda: sqlite3.connect(database, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
        )
        return await opened

    # One connection: writers of this process queue for it in asyncio instead of meeting
    # in SQLite's busy handler, which sleeps between retries.
    engine = _create_async_engine(
        parsed,
        async_creator=connect,
        pool_size=1,
        max_overflow=0,
        pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
    )
    _configure_sqlite(engine)
    return engine


class LoopConnection(aiosqlite.Connection):
    """An aiosqlite connection that runs each call at once on the caller's thread.

    aiosqlite hands every call to a worker thread and back: two thread switches per
    statement, and the event loop must come round before the answer is read. A local SQLite
    statement takes microseconds, so those hops made the one connection, and with it every
    transaction of the process, wait far longer than SQLite worked. Running inline, a
    transaction without other awaits finishes in one step of the loop. The price: while
    another process holds the write lock, the loop waits in SQLite's busy handler. One
    process per SQLite file is the supported set-up; several instances share PostgreSQL.
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]
        self._thread = _NoThread()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def begin_immediate(self) -> None:
        """Start a write transaction now, straight on the driver (it runs inline anyway)."""
        self._conn.execute("BEGIN IMMEDIATE")


class _RunAtOnce:
    """Stands in for aiosqlite's queue to its worker thread (for the calls that use it
    directly: connecting, closing): runs the call when queued."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, call = item
        try:
            result = call()
        except BaseException as error:
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class _NoThread:
    daemon = True

    def start(self) -> None:
        pass


def _configure_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.connection.driver_connection.begin_immediate()


async def insert_unless_present(
    session: AsyncSession, table: Table, values: dict[str, Any], *, unique: list[str]
) -> bool:
    """Insert a row unless one with the same `unique` columns exists; True if inserted.

    One statement (INSERT … ON CONFLICT DO NOTHING), cheaper than a savepoint."""
    connection = await session.connection()
    statement = _insert_ignoring(table, tuple(values), tuple(unique))
    result = await connection.execute(statement, values)
    return bool(result.rowcount)


@functools.cache
def _insert_ignoring(table: Table, columns: tuple[str, ...], unique: tuple[str, ...]) -> TextClause:
    # SQLite and PostgreSQL spell this alike. Written as text because SQLAlchemy cannot
    # cache its dialect-specific INSERT constructs and would compile them on every call.
    names = ", ".join(columns)
    slots = ", ".join(f":{name}" for name in columns)
    sql = (
        f"INSERT INTO {table.name} ({names}) VALUES ({slots}) "  # noqa: S608 - names from the model
        f"ON CONFLICT ({', '.join(unique)}) DO NOTHING"
    )
    return text(sql).bindparams(*(bindparam(name, type_=table.c[name].type) for name in columns))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
