"""The worker that runs timed jobs, for every channel alike.

Two sorts of jobs: one-off ones that a service schedules (`services.jobs.schedule`, a
reminder for a booking) and that run in the transaction that settles them, and recurring
ones that the program keeps (housekeeping, the outbox, escalation), each a row of its own
so that of several instances only one runs it each time. Time is the injected clock's: a
job is due when the clock says so, and tests move the clock and call `run_due`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from storage.clock import Clock
from storage.db import DbSessions
from storage.services import Services
from storage.services.jobs import DueJob
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0  # how often a worker looks for due jobs
RETRY_AFTER = (60, 300, 900, 3600)  # seconds, then every hour
GIVE_UP_AFTER = 12  # attempts of a one-off job, about half a day

# A one-off job's work: it changes the database through `services`, in the transaction
# that marks the job done, so that a job cut off half way leaves nothing behind.
JobWork = Callable[[DueJob, Services], Awaitable[None]]
RecurringWork = Callable[[], Awaitable[object]]


@dataclass(frozen=True)
class _Recurring:
    every: timedelta
    work: RecurringWork


class Scheduler:
    """Runs due jobs, each once, late rather than never after downtime."""

    def __init__(self, *, sessions: DbSessions, clock: Clock, tick: float | None = TICK_SECONDS):
        self._sessions = sessions
        self._clock = clock
        self._tick = tick
        self._one_off: dict[str, JobWork] = {}
        self._recurring: dict[str, _Recurring] = {}
        self._running: asyncio.Task[None] | None = None
        self._pass = asyncio.Lock()

    def on(self, kind: str, work: JobWork) -> None:
        """Run `work` for each due job of `kind`."""
        self._one_off[kind] = work

    def every(self, kind: str, interval: timedelta, work: RecurringWork) -> None:
        """Run `work` every `interval` (by one instance of the program, if several run)."""
        self._recurring[kind] = _Recurring(interval, work)

    async def start(self) -> None:
        """Run what is due (what waited through downtime, first), then keep looking in the
        background every tick; without a tick, whoever drives the clock calls `run_due`."""
        now = self._clock.now()
        async with UnitOfWork(self._sessions) as uow:
            jobs = Services.bind(uow.session).jobs
            for kind in self._recurring:
                await jobs.keep_recurring(kind=kind, first_due=now, now=now)
        await self.run_due()
        if self._tick is not None:
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
        return ran

    async def _keep_running(self, tick: float) -> None:
        while True:
            await asyncio.sleep(tick)
            try:
                await self.run_due()
            except Exception:
                log.exception("the scheduler failed; it looks again later")

    async def _claim(self) -> DueJob | None:
        async with UnitOfWork(self._sessions) as uow:
            return await Services.bind(uow.session).jobs.claim_due(now=self._clock.now())

    async def _run(self, job: DueJob) -> None:
        recurring = self._recurring.get(job.kind)
        try:
            if recurring is not None:
                await self._run_recurring(job, recurring)
            else:
                await self._run_once(job)
        except Exception as error:
            log.exception("job failed id=%s kind=%s attempt=%s", job.id, job.kind, job.attempts)
            # Only the error's name is kept: its text may quote what a person wrote.
            await self._failed(job, recurring, type(error).__name__)
        else:
            log.info("job done id=%s kind=%s", job.id, job.kind)

    async def _run_recurring(self, job: DueJob, recurring: _Recurring) -> None:
        await recurring.work()
        async with UnitOfWork(self._sessions) as uow:
            await Services.bind(uow.session).jobs.move_on(
                job_id=job.id, due_at=self._clock.now() + recurring.every
            )

    async def _run_once(self, job: DueJob) -> None:
        work = self._one_off.get(job.kind)
        if work is None:
            raise LookupError(f"no work for jobs of kind {job.kind!r}")
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            await work(job, services)
            await services.jobs.finish(job_id=job.id, now=self._clock.now())

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
