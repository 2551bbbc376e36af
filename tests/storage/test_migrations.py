"""Alembic is the schema's source of truth: the migrations match the models exactly."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.db import create_engine
from storage.migrate import HEAD, alembic_config, newest_revision, upgrade_to_head
from storage.models import (
    Base,
    ChannelIdentity,
    Conversation,
    OutboxMessage,
    Person,
    StaffMessageLink,
    StaffTopic,
    Ticket,
    TicketMessage,
)


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
    assert revision == HEAD
    await engine.dispose()


def test_head_names_the_newest_migration() -> None:
    # A restart recognises a current database by HEAD alone: a new migration moves it.
    assert newest_revision() == HEAD


def _downgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def _counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table: (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()  # noqa: S608
            for table in PERSONS_TABLES
        }


PERSONS_TABLES = (
    "person",
    "channel_identity",
    "conversation",
    "ticket",
    "ticket_message",
    "outbox_message",
    "staff_topic",
    "staff_message_link",
)


async def test_the_keys_migration_keeps_every_row_and_deleting_a_person_deletes_theirs(
    database_url: str,
) -> None:
    """0011 rebuilds the SQLite tables that refer to people: every row stays, a person may
    still have closed requests beside an open one, and their rows now go with them."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        await connection.run_sync(_downgrade, "0010")
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    async with AsyncSession(engine) as session, session.begin():
        person = Person(first_name="Olena", locale="uk", created_at=now)
        session.add(person)
        await session.flush()
        identity = ChannelIdentity(
            person_id=person.id, channel="telegram", external_id="7", created_at=now
        )
        session.add(identity)
        await session.flush()
        session.add(
            Conversation(
                identity_id=identity.id, locale="uk", flow="main_menu", step="menu", updated_at=now
            )
        )
        tickets = [
            Ticket(
                person_id=person.id,
                identity_id=identity.id,
                status=status,
                locale="uk",
                created_at=now,
                updated_at=now,
            )
            for status in ("closed", "open")
        ]
        session.add_all(tickets)
        await session.flush()
        session.add_all(
            [
                TicketMessage(
                    ticket_id=ticket.id, author="person", kind="text", text="?", created_at=now
                )
                for ticket in tickets
            ]
        )
        session.add(
            OutboxMessage(
                queue=f"person:{person.id}",
                kind="answer",
                person_id=person.id,
                ticket_id=tickets[1].id,
                payload={},
                created_at=now,
                next_attempt_at=now,
            )
        )
        session.add(StaffTopic(person_id=person.id, chat_id=-100, thread_id=5, created_at=now))
        session.add(
            StaffMessageLink(chat_id=-100, message_id=9, person_id=person.id, created_at=now)
        )
        ticket = {
            "person_id": person.id,
            "identity_id": identity.id,
            "locale": "uk",
            "created_at": now,
            "updated_at": now,
        }
    before = await _counts(engine)

    await upgrade_to_head(engine)

    assert await _counts(engine) == before
    assert set(before.values()) != {0}
    async with AsyncSession(engine) as session:
        async with session.begin():
            session.add(Ticket(status="closed", **ticket))
        with pytest.raises(IntegrityError):
            async with session.begin():
                session.add(Ticket(status="open", **ticket))
    async with engine.begin() as connection:
        await connection.execute(text("DELETE FROM person"))
    assert set((await _counts(engine)).values()) == {0}
    await engine.dispose()
