"""Copies of a SQLite database, made with SQLite's online backup API while the bot runs,
and putting one back. (PostgreSQL has pg_dump for this.)"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

from storage.migrate import known_revisions

log = logging.getLogger(__name__)

PREFIX = "erstkontakt-"
SUFFIX = ".sqlite"


class NotABackup(Exception):
    """The file cannot be put back; the message says why in one line."""


def back_up(database: Path, folder: Path, *, keep: int | None, now: datetime) -> Path:
    """Copy `database` into `folder` as one consistent snapshot, even while it is written
    to; keep the newest `keep` copies there (all, with None). Returns the copy."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    for n in range(2, 100):  # two in one second: the names still sort by time
        if not target.exists():
            break
        target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}-{n:02}{SUFFIX}"
    _copy(database, target)
    if keep is not None:
        for old in sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=_made)[:-keep]:
            old.unlink()
    log.info("database backed up to=%s", target.name)
    return target


def restore(backup: Path, database: Path, *, folder: Path, now: datetime) -> Path | None:
    """Put `backup` in place of `database` after checking it. The database as it was is
    copied into `folder` first, so that nothing is lost; returns that copy."""
    check(backup)
    before = back_up(database, folder, keep=None, now=now) if database.exists() else None
    _copy(backup, database)
    log.info("database restored from=%s", backup.name)
    return before


def check(backup: Path) -> str:
    """The schema version of a backup that can be put back; NotABackup if it cannot."""
    if not backup.is_file():
        raise NotABackup(f"{backup}: no such file")
    try:
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as connection:
            [(verdict,)] = connection.execute("PRAGMA integrity_check").fetchall()
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise NotABackup(f"{backup}: not an Erstkontakt database ({error})") from None
    if verdict != "ok":
        raise NotABackup(f"{backup}: damaged ({verdict})")
    if len(rows) != 1 or rows[0][0] not in known_revisions():
        raise NotABackup(f"{backup}: made by another version of the program")
    return str(rows[0][0])


def _made(backup: Path) -> str:
    """A backup's name as it sorts by time: the first of a second counts as its -01."""
    stem = backup.name.removesuffix(SUFFIX)
    return stem if stem.count("-") > 2 else f"{stem}-01"


def _copy(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy, whatever writes to `source` meanwhile."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source)) as reading,
        closing(sqlite3.connect(target)) as writing,
    ):
        reading.backup(writing)
