"""Bring a database to the newest migration; `run` and `chat` call this before serving.

A database that is current is recognised by one query against `HEAD`, without loading
alembic and its migration scripts (which cost a restart about half a second); alembic runs
only when there is something to migrate. A test keeps `HEAD` equal to alembic's head.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0012"  # the newest migration's revision


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def newest_revision() -> str | None:
    """The head of the migration scripts, as alembic reads them."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def known_revisions() -> set[str]:
    """Every migration's revision."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in scripts.walk_revisions()}


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every migration the database lacks; a no-op when it is current."""
    async with engine.connect() as connection:
        if await connection.run_sync(_revision) == HEAD:
            return

    def upgrade(connection: Connection) -> None:
        from alembic import command
        from alembic.runtime.migration import MigrationContext

        config = alembic_config()
        config.attributes["connection"] = connection
        current = MigrationContext.configure(connection).get_current_revision()
        connection.rollback()
        head = newest_revision()
        if current == head:
            return
        with _foreign_keys_unchecked(connection), connection.begin():
            command.upgrade(config, "head")
            _check_foreign_keys(connection)
        log.info("database migrated from=%s to=%s", current, head)

    async with engine.connect() as connection:
        await connection.run_sync(upgrade)


@contextmanager
def _foreign_keys_unchecked(connection: Connection) -> Iterator[None]:
    """On SQLite, a migration that changes a table's keys rebuilds the table: dropping the
    old one must not touch the rows that refer to it (SQLite's own advice for altering a
    table). The keys are checked once at the end, and enforced again after."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.dbapi_connection
    assert driver is not None  # noqa: S101 - an open connection has one
    driver.cursor().execute("PRAGMA foreign_keys=OFF")  # outside a transaction, or ignored
    try:
        yield
    finally:
        driver.cursor().execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration left rows that refer to none: {broken[:5]}")


async def schema_version(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """The database's migration and the newest one there is."""
    async with engine.connect() as connection:
        return await connection.run_sync(_revision), newest_revision()


def _revision(connection: Connection) -> str | None:
    """The database's migration; None for a database alembic never touched. Runs in a
    transaction of its own, which a missing table only rolls back."""
    try:
        with connection.begin():
            row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:
        return None
    return row[0] if row else None
