"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

SQLite is set up here and nowhere else: WAL, a busy timeout, foreign keys, write
transactions that begin IMMEDIATE so that two writers queue instead of failing late, and
sessions that run on the event loop's own thread (`storage.loop_session`). The async engine
is for migrations and checks; the work goes through the sessions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, TextClause, bindparam, event, text
from sqlalchemy import create_engine as _create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from storage.loop_session import LoopSession, LoopSessions

# What the services are handed: AsyncSession on PostgreSQL, LoopSession on SQLite.
DbSession = AsyncSession | LoopSession
DbSessions = async_sessionmaker[AsyncSession] | LoopSessions

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
    if backend == "sqlite" and rest.lstrip("/") in {"", ":memory:"}:
        # The engine that migrates and the sessions that work each hold a connection.
        raise UnsupportedDatabase("SQLite needs a file: sqlite:///path/to/file.db")
    return f"{_ASYNC_DRIVERS[backend]}://{rest}"


def where(url: str) -> str:
    """The database for people to read: a SQLite file's full path, or the server's URL
    without its password."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() == "sqlite":
        return str(Path(_sqlite_file(parsed.database)).resolve())
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database; None for a database on a server."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    return Path(_sqlite_file(parsed.database))


def create_engine(url: str) -> AsyncEngine:
    """An async engine for `url`; SQLite files get their folder created and their pragmas."""
    parsed = make_url(async_url(url))
    if parsed.get_backend_name() != "sqlite":
        return _create_async_engine(parsed, pool_pre_ping=True)
    database = _sqlite_file(parsed.database)
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = _create_async_engine(
        parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, pool_size=1, max_overflow=0
    )
    _configure_sqlite(
        engine.sync_engine, begin=lambda connection: connection.exec_driver_sql("BEGIN IMMEDIATE")
    )
    return engine


def _sqlite_file(database: str | None) -> str:
    if not database:  # async_url lets no such URL through
        raise UnsupportedDatabase("SQLite needs a file: sqlite:///path/to/file.db")
    return database


def _configure_sqlite(engine: Engine, *, begin: Callable[[Any], None]) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        begin(connection)


async def insert_unless_present(
    session: DbSession, table: Table, values: dict[str, Any], *, unique: list[str]
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


def session_factory(engine: AsyncEngine) -> DbSessions:
    """Sessions on the engine's database: synchronous ones on the loop's thread for SQLite
    (see `storage.loop_session`), AsyncSession for PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return async_sessionmaker(engine, expire_on_commit=False)
    database = _sqlite_file(engine.url.database)
    sync_engine = _create_sync_engine(
        f"sqlite:///{database}",
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=1,
        max_overflow=0,
    )
    _configure_sqlite(
        sync_engine,
        begin=lambda connection: connection.connection.driver_connection.execute("BEGIN IMMEDIATE"),
    )
    return LoopSessions(sync_engine)


async def dispose(engine: AsyncEngine, sessions: DbSessions) -> None:
    """Close every connection of the engine and the sessions."""
    if isinstance(sessions, LoopSessions):
        sessions.dispose()
    await engine.dispose()
