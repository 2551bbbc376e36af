"""The worker that runs timed jobs, for every channel alike.

Three sorts of work:

- one-off jobs that a service schedules (`services.jobs.schedule`, a reminder for a
  booking); each runs in the transaction that settles it;
- shared recurring jobs (housekeeping, escalation), each a row of its own, so that of
  several instances only one runs it each time;
- local recurring work (the outbox), which every process runs for itself, because each
  delivers what only it can (the console chat its person's messages, Telegram the rest).

A process claims only the jobs it knows: a job of a kind that only Telegram runs waits
while the console chat runs. Time is the injected clock's: a job is due when the clock
says so, and tests move the clock and call `run_due`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.logging import failure
from storage.clock import Clock
from storage.db import DbSessions
from storage.services import Services
from storage.services.jobs import ClaimLost, DueJob
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0  # how often a worker looks for due jobs
RETRY_AFTER = (60, 300, 900, 3600)  # seconds, then every hour
GIVE_UP_AFTER = 12  # attempts of a one-off job, about half a day

# A one-off job's work: it changes the database through `services`, in the transaction
# that marks the job done, so that a job cut off half way leaves nothing behind.
JobWork = Callable[[DueJob, Services], Awaitable[None]]
RecurringWork = Callable[[], Awaitable[object]]


@dataclass
class _Recurring:
    every: timedelta
    work: RecurringWork
    first_in: timedelta
    due: datetime | None = None  # local work only: when this process runs it next


class Scheduler:
    """Runs due jobs, each once, late rather than never after downtime."""

    def __init__(self, *, sessions: DbSessions, clock: Clock, tick: float | None = TICK_SECONDS):
        self._sessions = sessions
        self._clock = clock
        self._tick = tick
        self._one_off: dict[str, JobWork] = {}
        self._shared: dict[str, _Recurring] = {}
        self._local: dict[str, _Recurring] = {}
        self._running: asyncio.Task[None] | None = None
        self._pass = asyncio.Lock()

    def on(self, kind: str, work: JobWork) -> None:
        """Run `work` for each due job of `kind`."""
        self._one_off[kind] = work

    def every(
        self,
        kind: str,
        interval: timedelta,
        work: RecurringWork,
        *,
        shared: bool = True,
        first_in: timedelta = timedelta(0),
    ) -> None:
        """Run `work` every `interval`, the first time `first_in` after the start: by one
        instance of the program if `shared`, else by each process for itself."""
        (self._shared if shared else self._local)[kind] = _Recurring(interval, work, first_in)

    async def start(self) -> None:
        """Run what is due (what waited through downtime, first) and keep looking every
        tick, in the background; without a tick, once now, and then whoever drives the
        clock calls `run_due`."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions) as uow:
            jobs = Services.bind(uow.session).jobs
            for kind, recurring in self._shared.items():
                await jobs.keep_recurring(kind=kind, first_due=now + recurring.first_in, now=now)
        for recurring in self._local.values():
            recurring.due = now + recurring.first_in
        if self._tick is None:
            await self.run_due()
        else:
            self._running = asyncio.create_task(self._keep_running(self._tick))

    async def stop(self) -> None:
        if self._running is not None:
            self._running.cancel()
            await asyncio.gather(self._running, return_exceptions=True)
            self._running = None

    async def run_due(self) -> int:
        """Run every job due now, one after another; returns how many ran. A pass already
        under way in this process is waited for, so that afterwards all due work is done."""
        ran = 0
        async with self._pass:
            while (job := await self._claim()) is not None:
                await self._run(job)
                ran += 1
            for kind, recurring in self._local.items():
                if recurring.due is not None and recurring.due <= self._clock.now():
                    await self._run_local(kind, recurring)
                    ran += 1
        return ran

    async def _keep_running(self, tick: float) -> None:
        while True:
            try:
                await self.run_due()
            except Exception as error:
                log.error("the scheduler failed; it looks again later %s", failure(error))
            await asyncio.sleep(tick)

    async def _claim(self) -> DueJob | None:
        async with UnitOfWork(self._sessions) as uow:
            return await Services.bind(uow.session).jobs.claim_due(
                now=self._clock.now(), kinds=[*self._one_off, *self._shared]
            )

    async def _run_local(self, kind: str, recurring: _Recurring) -> None:
        try:
            await recurring.work()
        except Exception as error:
            log.error("local job failed kind=%s %s", kind, failure(error))
        recurring.due = self._clock.now() + recurring.every

    async def _run(self, job: DueJob) -> None:
        recurring = self._shared.get(job.kind)
        try:
            if recurring is not None:
                await self._run_recurring(job, recurring)
            else:
                await self._run_once(job)
        except ClaimLost:
            log.warning("job taken over by another worker id=%s kind=%s", job.id, job.kind)
        except Exception as error:
            log.error(
                "job failed id=%s kind=%s attempt=%s %s",
                job.id,
                job.kind,
                job.attempts,
                failure(error),
            )
            # Only the error's name is kept: its text may quote what a person wrote.
            try:
                await self._failed(job, recurring, type(error).__name__)
            except ClaimLost:
                log.warning("failed job taken over meanwhile id=%s", job.id)
        else:
            log.info("job done id=%s kind=%s", job.id, job.kind)

    async def _run_recurring(self, job: DueJob, recurring: _Recurring) -> None:
        await recurring.work()
        async with UnitOfWork(self._sessions) as uow:
            await Services.bind(uow.session).jobs.move_on(
                job=job, due_at=self._clock.now() + recurring.every
            )

    async def _run_once(self, job: DueJob) -> None:
        work = self._one_off[job.kind]
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            await work(job, services)
            # Still ours? Else another worker ran it meanwhile, and this run is undone.
            await services.jobs.finish(job=job, now=self._clock.now())

    async def _failed(self, job: DueJob, recurring: _Recurring | None, error: str) -> None:
        now = self._clock.now()
        wait = timedelta(seconds=RETRY_AFTER[min(job.attempts, len(RETRY_AFTER) - 1)])
        async with UnitOfWork(self._sessions) as uow:
            jobs = Services.bind(uow.session).jobs
            if recurring is not None:  # never given up: its next time comes anyway
                await jobs.try_later(job=job, error=error, due_at=now + min(wait, recurring.every))
            elif job.attempts + 1 >= GIVE_UP_AFTER:
                await jobs.give_up(job=job, error=error, now=now)
            else:
                await jobs.try_later(job=job, error=error, due_at=now + wait)
