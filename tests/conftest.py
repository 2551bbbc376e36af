"""Fixtures: a real database (SQLite always, PostgreSQL when TEST_POSTGRES_URL is set),
the real catalogs compiled once, a manual clock, and the App built as in production."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App
from bot.config import Settings
from dialogs.i18n import LOCALES_DIR, compile_catalogs
from storage.db import create_engine
from storage.migrate import upgrade_to_head
from storage.models import Base
from tests.chat import Chat
from tests.fakes.clock import ManualClock

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]


def _migrate(url: str, *, reset_postgres: bool = False) -> None:
    async def run() -> None:
        engine = create_engine(url)
        if reset_postgres:
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade_to_head(engine)
        await engine.dispose()

    # Session fixtures may be set up from inside a test's event loop: migrate in a thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


@pytest.fixture(scope="session")
def compiled_catalogs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("catalogs")
    compile_catalogs(LOCALES_DIR, target, force=True)
    return target


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    template = tmp_path_factory.mktemp("template") / "template.sqlite"
    _migrate(f"sqlite:///{template}")
    return template


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    assert POSTGRES_URL
    _migrate(POSTGRES_URL, reset_postgres=True)
    return POSTGRES_URL


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "db.sqlite"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        yield f"sqlite:///{target}"
        return
    url = request.getfixturevalue("postgres_migrated")
    engine = create_engine(url)
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
    yield url


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]


@pytest.fixture
async def app(
    settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[App]:
    built = App.build(settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None)
    yield built
    await built.close()


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app.dialogs)
