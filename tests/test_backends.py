"""Which databases this run covers: a run without PostgreSQL says so in its summary."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storage.db import create_engine
from tests.conftest import POSTGRES_URL


@pytest.mark.skipif(
    POSTGRES_URL is None,
    reason="TEST_POSTGRES_URL is not set: this run covers SQLite only, not PostgreSQL",
)
async def test_the_postgresql_of_this_run_answers() -> None:
    assert POSTGRES_URL is not None
    engine = create_engine(POSTGRES_URL)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    await engine.dispose()
