"""Backups of the SQLite database: made while the bot runs, put back after a check."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from storage.backup import NotABackup, back_up, restore
from tests.chat import Chat
from tests.fakes.clock import ManualClock
from tests.test_console import run_cli


def rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    with closing(sqlite3.connect(database)) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()  # noqa: S608
            for table in tables
        }


@pytest.fixture
async def sqlite_app(
    tmp_path: Path, sqlite_template: Path, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[App]:
    """Backups are of SQLite files (PostgreSQL has pg_dump): on SQLite alone."""
    shutil.copyfile(sqlite_template, tmp_path / "db.sqlite")
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'db.sqlite'}")  # type: ignore[call-arg]
    app = App.build(settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None)
    yield app
    await app.close()


async def test_a_backup_restores_to_the_same_rows(sqlite_app: App, clock: ManualClock) -> None:
    chat = Chat(sqlite_app.dialogs)
    await chat.send("/start ask")
    await chat.choose("lang:en")
    await chat.send("A question for the team")
    database = sqlite_app.database_file
    assert database is not None
    copy = await sqlite_app.back_up()
    kept = rows(database)

    await chat.send("A message after the backup")
    assert rows(database) != kept
    clock.advance(minutes=1)
    before = restore(copy, database, folder=sqlite_app.backups, now=clock.now())

    assert rows(database) == kept
    assert before is not None
    assert "A message after the backup" in str(rows(before))  # nothing is lost


async def test_only_the_newest_backups_are_kept(sqlite_app: App, clock: ManualClock) -> None:
    keep = sqlite_app.settings.backup_keep
    made = []
    for _ in range(keep + 2):
        made.append(await sqlite_app.back_up())
        clock.advance(hours=1)

    assert sorted(sqlite_app.backups.iterdir()) == made[2:]


async def test_the_scheduler_backs_up_once_a_day(sqlite_app: App, clock: ManualClock) -> None:
    await sqlite_app.scheduler.start()
    assert not sqlite_app.backups.exists()  # a first chat writes no backup yet
    clock.advance(hours=23)
    await sqlite_app.scheduler.run_due()
    assert not sqlite_app.backups.exists()
    clock.advance(hours=1)
    await sqlite_app.scheduler.run_due()
    assert len(list(sqlite_app.backups.iterdir())) == 1
    clock.advance(days=1)
    await sqlite_app.scheduler.run_due()
    assert len(list(sqlite_app.backups.iterdir())) == 2


def test_of_two_backups_in_one_second_the_newest_is_kept(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    with closing(sqlite3.connect(database)) as connection:
        connection.execute("CREATE TABLE t (n INTEGER)")
    now = ManualClock().now()

    back_up(database, tmp_path / "backups", keep=1, now=now)
    newest = back_up(database, tmp_path / "backups", keep=1, now=now)

    assert list((tmp_path / "backups").iterdir()) == [newest]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"hello", "not an Erstkontakt database"), (None, "no such file")],
)
def test_restore_refuses_what_is_no_backup_and_changes_nothing(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    run_cli(tmp_path, "/start\n", "chat")
    database = tmp_path / "db.sqlite"
    kept = rows(database)
    given = tmp_path / "given.sqlite"
    if content is not None:
        given.write_bytes(content)

    result = run_cli(tmp_path, "", "restore", str(given))

    assert result.returncode == 1
    assert result.stderr.startswith(f"erstkontakt: {given}: {reason}")
    assert rows(database) == kept


def test_restore_refuses_a_database_of_a_newer_program(tmp_path: Path) -> None:
    newer = tmp_path / "newer.sqlite"
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
        connection.execute("INSERT INTO alembic_version VALUES ('9999')")
        connection.commit()

    with pytest.raises(NotABackup, match="made by another version of the program"):
        restore(newer, tmp_path / "db.sqlite", folder=tmp_path, now=ManualClock().now())


def test_the_cli_backs_up_and_restores(tmp_path: Path) -> None:
    run_cli(tmp_path, "/start\n", "chat")

    made = run_cli(tmp_path, "", "backup")
    assert made.returncode == 0, made.stderr
    copy = Path(made.stdout.strip())
    assert copy.parent == tmp_path / "backups"
    put_back = run_cli(tmp_path, "", "restore", str(copy))

    assert put_back.returncode == 0, put_back.stderr
    assert put_back.stdout.startswith(f"restored {copy}\nthe database as it was: ")


def test_on_postgresql_the_cli_points_to_pg_dump(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "", "backup", DATABASE_URL="postgresql://nobody@127.0.0.1:1/none")

    assert result.returncode == 2
    assert "pg_dump" in result.stderr
