"""The composition root: builds the database engine, catalogs, content and dialog engine
from one Settings object. The CLI and the tests build the program through here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from dialogs.content import ContentLibrary
from dialogs.context import Policies
from dialogs.engine import DialogEngine
from dialogs.flows import FLOWS
from dialogs.i18n import LOCALES_DIR, Catalogs, compile_catalogs
from dialogs.office_hours import OfficeHours
from storage.clock import Clock, SystemClock
from storage.db import DbSessions, create_engine, dispose, session_factory
from storage.migrate import upgrade_to_head


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    sessions: DbSessions
    catalogs: Catalogs
    dialogs: DialogEngine
    clock: Clock

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        locales_dir: Path = LOCALES_DIR,
        compiled_dir: Path | None = None,
    ) -> App:
        """Everything the program needs; compiles catalogs whose `.mo` is missing or stale."""
        compiled_dir = compiled_dir or locales_dir
        compile_catalogs(locales_dir, compiled_dir)
        clock = clock or SystemClock()
        database = create_engine(settings.database_url)
        sessions = session_factory(database)
        catalogs = Catalogs.load(compiled_dir)
        dialogs = DialogEngine(
            sessions=sessions,
            flows=FLOWS,
            catalogs=catalogs,
            content=ContentLibrary(locales_dir, clock=clock),
            clock=clock,
            policies=Policies(
                request_retention_days=settings.request_retention_days,
                answer_within_working_days=settings.escalate_after,
                office_hours=OfficeHours.parse(settings.office_hours)
                if settings.office_hours
                else None,
            ),
        )
        return cls(settings, database, sessions, catalogs, dialogs, clock)

    async def migrate(self) -> None:
        await upgrade_to_head(self.database)

    async def close(self) -> None:
        await dispose(self.database, self.sessions)
