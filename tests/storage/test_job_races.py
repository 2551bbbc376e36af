"""Timed jobs under several workers at once: every job runs once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.config import Settings
from storage.services import Services
from storage.services.jobs import DueJob
from storage.uow import UnitOfWork
from tests.fakes.clock import ManualClock
from tests.instances import Instance

WORKERS = 4
JOBS = 40


async def test_workers_racing_for_due_jobs_run_each_job_once(
    app: App, settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    now = clock.now()
    async with UnitOfWork(app.sessions) as uow:
        jobs = Services.bind(uow.session).jobs
        for n in range(JOBS):
            await jobs.schedule(
                key=f"note:{n}", kind="note", due_at=now - timedelta(minutes=n), payload={}, now=now
            )
    ran: Counter[str] = Counter()
    working = {"now": 0, "most": 0}  # how many workers were inside a job at once

    async def note(job: DueJob, services: Services) -> None:
        working["now"] += 1
        working["most"] = max(working["most"], working["now"])
        ran[job.key] += 1
        await services.processed_events.claim(channel="job", event_key=job.key, now=now)
        working["now"] -= 1

    workers = []
    for _ in range(WORKERS):
        worker = App.build(
            settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None
        )
        worker.scheduler.on("note", note)
        workers.append(Instance(worker))

    await asyncio.gather(*(worker.run(lambda app: app.scheduler.run_due()) for worker in workers))
    for worker in workers:
        await worker.close()

    assert ran == Counter({f"note:{n}": 1 for n in range(JOBS)})
    if settings.database_url.startswith("postgresql"):  # SQLite serialises every write
        assert working["most"] > 1, "the workers never ran jobs at the same time"
