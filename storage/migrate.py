"""Bring a database to the newest migration; `run` and `chat` call this before serving."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    """Apply every migration the database lacks; a no-op when it is current."""

    def upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(config).get_current_head()
        if current != head:
            command.upgrade(config, "head")
            log.info("database migrated from=%s to=%s", current, head)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)


async def schema_version(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """The database's migration and the newest one there is."""

    def versions(connection: Connection) -> tuple[str | None, str | None]:
        current = MigrationContext.configure(connection).get_current_revision()
        return current, ScriptDirectory.from_config(alembic_config()).get_current_head()

    async with engine.connect() as connection:
        return await connection.run_sync(versions)
