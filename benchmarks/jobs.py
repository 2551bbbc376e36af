"""How many due timed jobs one worker runs per second, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/jobs.py [--jobs 2000] [--postgres URL]

Schedules N one-off jobs that are all due, each of whose work writes one row (as a
reminder queues one message), then lets one scheduler run them and prints jobs/s. Without
--postgres (or TEST_POSTGRES_URL), only SQLite runs.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text

from bot.app import App
from bot.config import Settings
from storage.services import Services
from storage.services.jobs import DueJob
from storage.uow import UnitOfWork
from tests.fakes.clock import ManualClock

CLOCK = ManualClock()


async def note(job: DueJob, services: Services) -> None:
    await services.outbox.notify_staff(
        text="New request #{person}", params={"person": job.payload["n"]}, now=CLOCK.now()
    )


async def measure(url: str, jobs: int) -> float:
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    app = App.build(settings, clock=CLOCK, scheduler_tick=None)
    try:
        await app.migrate()
        async with UnitOfWork(app.sessions) as uow:
            await uow.session.execute(text("DELETE FROM job"))
            await uow.session.execute(text("DELETE FROM outbox_message"))
        now = CLOCK.now()
        async with UnitOfWork(app.sessions) as uow:
            scheduled = Services.bind(uow.session).jobs
            for n in range(jobs):
                await scheduled.schedule(
                    key=f"bench:{n}",
                    kind="note",
                    due_at=now - timedelta(seconds=n),
                    payload={"n": n},
                    now=now,
                )
        app.scheduler.on("note", note)
        started = time.perf_counter()
        ran = await app.scheduler.run_due()
        seconds = time.perf_counter() - started
    finally:
        await app.close()
    if ran != jobs:
        raise RuntimeError(f"ran {ran} of {jobs} jobs")
    return jobs / seconds


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sqlite = await measure(f"sqlite:///{folder}/jobs.sqlite", args.jobs)
    print(f"one worker, {args.jobs} due jobs, each writing one row:")
    print(f"  SQLite       {sqlite:7.0f} jobs/s")
    if args.postgres:
        postgres = await measure(args.postgres, args.jobs)
        print(f"  PostgreSQL   {postgres:7.0f} jobs/s")
    else:
        print("  PostgreSQL   not measured (give --postgres URL or set TEST_POSTGRES_URL)")


if __name__ == "__main__":
    asyncio.run(main())
