"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite is set up here and nowhere else: WAL, a busy timeout, foreign keys, and write
transactions that begin IMMEDIATE so that two writers queue instead of failing late.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, Table, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
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
    # One connection: writers of this process queue for it in asyncio instead of meeting
    # in SQLite's busy handler, which sleeps between retries.
    engine = _create_async_engine(
        parsed,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=1,
        max_overflow=0,
        pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
    )
    _configure_sqlite(engine)
    return engine


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
        connection.exec_driver_sql("BEGIN IMMEDIATE")


async def insert_unless_present(
    session: AsyncSession, table: Table, values: dict[str, Any], *, unique: list[str]
) -> bool:
    """Insert a row unless one with the same `unique` columns exists; True if inserted.

    One statement (INSERT … ON CONFLICT DO NOTHING), cheaper than a savepoint."""
    connection = await session.connection()
    statement = _insert_ignoring(connection.dialect.name, table, tuple(unique))
    result = await connection.execute(statement, values)
    return bool(result.rowcount)


@functools.cache
def _insert_ignoring(dialect: str, table: Table, unique: tuple[str, ...]) -> Insert:
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return insert(table).on_conflict_do_nothing(index_elements=list(unique))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
