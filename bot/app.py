"""The composition root: builds the database engine, catalogs, content, dialog engine, and
the workers every channel shares (the scheduler with housekeeping and backups, the
outbox, messages to people, the staff inbox for a channel with a staff chat) from one
Settings object, and runs a channel with them. The CLI and the tests build the program
through here."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.base import Channel
from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from bot.person_messages import PersonMessages
from bot.scheduler import TICK_SECONDS, Scheduler
from bot.staff_inbox import PeopleChannel, StaffChat, StaffInbox
from bot.workers import Workers
from dialogs.content import ContentLibrary
from dialogs.context import Policies
from dialogs.engine import DialogEngine
from dialogs.flows import FLOWS, STANDING_ACTIONS
from dialogs.i18n import LOCALES_DIR, Catalogs, compile_catalogs
from dialogs.office_hours import WEEKDAYS, OfficeHours
from storage import backup
from storage.clock import Clock, SystemClock
from storage.db import DbSessions, create_engine, dispose, session_factory, sqlite_path
from storage.migrate import upgrade_to_head
from storage.roles import Admins

HOUSEKEEPING_EVERY = timedelta(hours=1)
ESCALATION_EVERY = timedelta(minutes=1)
OUTBOX_EVERY = timedelta(seconds=5)  # what waits after a failure goes out this soon
BACKUP_EVERY = timedelta(days=1)


@dataclass
class App:
    settings: Settings
    database: AsyncEngine
    sessions: DbSessions
    catalogs: Catalogs
    dialogs: DialogEngine
    clock: Clock
    workers: Workers

    @classmethod
    def build(
        cls,
        settings: Settings,
        *,
        clock: Clock | None = None,
        locales_dir: Path = LOCALES_DIR,
        compiled_dir: Path | None = None,
        scheduler_tick: float | None = TICK_SECONDS,
    ) -> App:
        """Everything the program needs; compiles catalogs whose `.mo` is missing or stale.
        Without `scheduler_tick`, jobs run only when `scheduler.run_due()` is called (tests
        that move a manual clock)."""
        compiled_dir = compiled_dir or locales_dir
        compile_catalogs(locales_dir, compiled_dir)
        clock = clock or SystemClock()
        database = create_engine(settings.database_url)
        sessions = session_factory(database)
        catalogs = Catalogs.load(compiled_dir)
        dialogs = DialogEngine(
            sessions=sessions,
            flows=FLOWS,
            actions=STANDING_ACTIONS,
            catalogs=catalogs,
            content=ContentLibrary(locales_dir, clock=clock),
            clock=clock,
            policies=Policies(
                request_retention_days=settings.request_retention_days,
                answer_within_working_days=settings.escalate_after,
                office_hours=OfficeHours.parse(settings.office_hours)
                if settings.office_hours
                else None,
                admins=Admins.on_telegram(settings.admin_ids),
            ),
        )
        scheduler = Scheduler(sessions=sessions, clock=clock, tick=scheduler_tick)
        outbox = OutboxWorker(sessions=sessions, clock=clock)
        people = PersonMessages(sessions=sessions, catalogs=catalogs, outbox=outbox)
        scheduler.every("housekeeping", HOUSEKEEPING_EVERY, dialogs.keep_house)
        # Each process delivers what it can reach (the console its person, Telegram the rest).
        scheduler.every("outbox", OUTBOX_EVERY, outbox.deliver_due, shared=False)

        def open_staff_inbox(staff: StaffChat, people_channel: PeopleChannel) -> StaffInbox:
            inbox = StaffInbox(
                sessions=sessions,
                staff=staff,
                people=people_channel,
                catalogs=catalogs,
                clock=clock,
                outbox=outbox,
                hours=dialogs.policies.office_hours or WEEKDAYS,
                escalate_after=settings.escalate_after,
                admin_ids=settings.admin_ids,
            )
            scheduler.every("escalation", ESCALATION_EVERY, inbox.escalate_overdue)
            return inbox

        workers = Workers(scheduler, outbox, people, open_staff_inbox)
        app = cls(settings, database, sessions, catalogs, dialogs, clock, workers)
        if app.database_file is not None:
            scheduler.every("backup", BACKUP_EVERY, app.back_up, first_in=BACKUP_EVERY)
        return app

    @property
    def database_file(self) -> Path | None:
        """The SQLite file; None on PostgreSQL."""
        return sqlite_path(self.settings.database_url)

    @property
    def backups(self) -> Path:
        """Where backups of a SQLite database go."""
        if self.settings.backup_dir is not None:
            return self.settings.backup_dir
        assert self.database_file is not None  # noqa: S101 - PostgreSQL has pg_dump
        return self.database_file.parent / "backups"

    async def back_up(self) -> Path:
        """A consistent copy of the SQLite database, made while the bot goes on."""
        assert self.database_file is not None  # noqa: S101 - PostgreSQL has pg_dump
        return await asyncio.to_thread(
            backup.back_up,
            self.database_file,
            self.backups,
            keep=self.settings.backup_keep,
            now=self.clock.now(),
        )

    async def serve(self, channel: Channel) -> None:
        """Run `channel`, and beside it the jobs every channel shares, until cancelled or
        its input ends."""
        await channel.start()
        try:
            await self.scheduler.start()
            try:
                await channel.receive()
            finally:
                await self.scheduler.stop()
        finally:
            await channel.stop()

    @property
    def scheduler(self) -> Scheduler:
        return self.workers.scheduler

    async def migrate(self) -> None:
        await upgrade_to_head(self.database)

    async def close(self) -> None:
        await dispose(self.database, self.sessions)
