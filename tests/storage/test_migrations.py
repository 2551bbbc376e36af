"""Alembic is the schema's source of truth: the migrations match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.migrate import HEAD, newest_revision, upgrade_to_head
from storage.models import Base


async def test_the_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)

    def differences(connection: Connection) -> list:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await engine.dispose()


async def test_migrating_a_current_database_changes_nothing(database_url: str) -> None:
    engine = create_engine(database_url)

    await upgrade_to_head(engine)
    await upgrade_to_head(engine)

    async with engine.connect() as connection:
        revision = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
    assert revision == "0010"
    await engine.dispose()


def test_head_names_the_newest_migration() -> None:
    # A restart recognises a current database by HEAD alone: a new migration moves it.
    assert newest_revision() == HEAD
