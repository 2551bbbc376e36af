"""Alembic environment: runs on the connection `storage.migrate` hands over, or on
DATABASE_URL when called from the `alembic` command line (for new revisions)."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base
from storage.models.base import UtcDateTime

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: object, _context: object) -> str | bool:
    """New revisions spell our UTC column type as a plain aware DateTime."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_from_url(url: str) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(run_on)
        await connection.commit()
    await engine.dispose()


connection = config.attributes.get("connection")
if connection is not None:
    run_on(connection)
else:
    asyncio.run(run_from_url(os.environ.get("DATABASE_URL", "sqlite:///data/erstkontakt.db")))
