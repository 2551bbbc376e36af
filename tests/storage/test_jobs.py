"""Timed jobs: once per key, late rather than never after downtime, never twice."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.config import Settings
from bot.scheduler import JobWork
from storage.models import Job, ProcessedEvent
from storage.services import Services
from storage.services.jobs import ClaimLost, DueJob
from storage.services.outbox import STAFF_NOTICES
from storage.uow import UnitOfWork
from tests.fakes.clock import ManualClock


def note_for_staff(app: App) -> JobWork:
    """A job's work as a real one does it: a change in the database (here, a notice)."""

    async def work(job: DueJob, services: Services) -> None:
        await services.outbox.notify_staff(
            text="New request #{person}", params={"person": job.payload["n"]}, now=app.clock.now()
        )
        if job.payload.get("fail"):
            raise RuntimeError("the work broke half way")

    return work


@pytest.fixture
async def worker(app: App) -> AsyncIterator[App]:
    app.scheduler.on("note", note_for_staff(app))
    await app.scheduler.start()
    yield app
    await app.scheduler.stop()


async def schedule(app: App, key: str, *, due_in: timedelta, **payload: object) -> None:
    now = app.clock.now()
    async with UnitOfWork(app.sessions) as uow:
        await Services.bind(uow.session).jobs.schedule(
            key=key, kind="note", due_at=now + due_in, payload=payload, now=now
        )


async def outcomes(app: App) -> dict[str, str | None]:
    async with UnitOfWork(app.sessions) as uow:
        rows = await uow.session.execute(
            select(Job.key, Job.outcome).where(Job.kind == "note").order_by(Job.id)
        )
        return dict(rows.tuples().all())


async def staff_notices(app: App) -> list[int]:
    async with UnitOfWork(app.sessions) as uow:
        outbox = Services.bind(uow.session).outbox
        found = []
        while item := await outbox.claim_next(queue=STAFF_NOTICES, now=app.clock.now()):
            found.append(item.payload["params"]["person"])
            await outbox.mark_sent(item_id=item.id, now=app.clock.now())
        return found


async def test_a_job_is_not_run_before_it_is_due_and_then_once(
    worker: App, clock: ManualClock
) -> None:
    await schedule(worker, "note:1", due_in=timedelta(hours=1), n=1)

    await worker.scheduler.run_due()
    assert await outcomes(worker) == {"note:1": None}
    clock.advance(hours=1)
    await worker.scheduler.run_due()
    await worker.scheduler.run_due()

    assert await outcomes(worker) == {"note:1": "done"}
    assert await staff_notices(worker) == [1]


async def test_a_job_due_during_downtime_runs_once_after_the_restart(
    settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    before = App.build(settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None)
    await schedule(before, "note:7", due_in=timedelta(minutes=30), n=7)
    await before.close()  # the program is down while the job falls due
    clock.advance(hours=5)

    after = App.build(settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None)
    after.scheduler.on("note", note_for_staff(after))
    try:
        await after.scheduler.start()  # runs what waited
        await after.scheduler.run_due()
        assert await outcomes(after) == {"note:7": "done"}
        assert await staff_notices(after) == [7]
    finally:
        await after.close()


async def test_scheduling_a_key_again_moves_its_job_and_a_done_one_stays_done(
    worker: App, clock: ManualClock
) -> None:
    await schedule(worker, "note:2", due_in=timedelta(hours=1), n=2)
    await schedule(worker, "note:2", due_in=timedelta(hours=3), n=2)  # saved again, later
    clock.advance(hours=2)
    await worker.scheduler.run_due()
    assert await outcomes(worker) == {"note:2": None}
    clock.advance(hours=1)
    await worker.scheduler.run_due()
    assert await outcomes(worker) == {"note:2": "done"}

    await schedule(worker, "note:2", due_in=timedelta(hours=1), n=2)  # saved once more
    clock.advance(hours=2)
    await worker.scheduler.run_due()
    assert await staff_notices(worker) == [2]


async def test_cancelling_cancels_the_jobs_of_its_key_and_no_other(
    worker: App, clock: ManualClock
) -> None:
    for key in ("booking:1:reminder", "booking:1:follow-up", "booking:10:reminder"):
        await schedule(worker, key, due_in=timedelta(hours=1), n=1)
    async with UnitOfWork(worker.sessions) as uow:
        cancelled = await Services.bind(uow.session).jobs.cancel(
            key_prefix="booking:1:", now=clock.now()
        )
    clock.advance(hours=1)
    await worker.scheduler.run_due()

    assert cancelled == 2
    assert await outcomes(worker) == {
        "booking:1:reminder": "cancelled",
        "booking:1:follow-up": "cancelled",
        "booking:10:reminder": "done",
    }


async def test_a_failing_job_leaves_nothing_behind_and_is_tried_later(
    worker: App, clock: ManualClock
) -> None:
    await schedule(worker, "note:3", due_in=timedelta(0), n=3, fail=True)

    await worker.scheduler.run_due()
    assert await staff_notices(worker) == []  # its half-done change was rolled back
    async with UnitOfWork(worker.sessions) as uow:
        [(key, due_at)] = await Services.bind(uow.session).jobs.pending(key_prefix="note:")
    assert (key, due_at) == ("note:3", clock.now() + timedelta(minutes=1))
    clock.advance(minutes=1)
    await worker.scheduler.run_due()  # tried again, failing again: later still
    async with UnitOfWork(worker.sessions) as uow:
        [(key, due_at)] = await Services.bind(uow.session).jobs.pending(key_prefix="note:")
    assert due_at == clock.now() + timedelta(minutes=5)


async def test_the_console_keeps_house_too(app: App, clock: ManualClock) -> None:
    async with UnitOfWork(app.sessions) as uow:
        await Services.bind(uow.session).processed_events.claim(
            channel="telegram", event_key="update:1", now=clock.now()
        )
    clock.advance(days=30)

    await app.serve(ConsoleChannel(app.dialogs, stdin=io.StringIO(""), stdout=io.StringIO()))

    async with UnitOfWork(app.sessions) as uow:
        assert (await uow.session.execute(select(ProcessedEvent))).first() is None


async def test_a_process_leaves_alone_the_jobs_only_another_one_runs(
    worker: App, settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    elsewhere = App.build(
        settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None
    )
    ran: list[str] = []

    async def escalate() -> None:
        ran.append("escalation")

    elsewhere.scheduler.every("escalation", timedelta(minutes=1), escalate)
    try:
        await elsewhere.scheduler.start()  # Telegram, say: it runs the escalation once
        clock.advance(hours=2)
        for _ in range(20):  # the console chat, which knows no escalation, runs meanwhile
            await worker.scheduler.run_due()
            clock.advance(minutes=1)
        await elsewhere.scheduler.run_due()
    finally:
        await elsewhere.close()

    assert ran == ["escalation", "escalation"]
    async with UnitOfWork(worker.sessions) as uow:
        [(attempts, outcome)] = (
            await uow.session.execute(
                select(Job.attempts, Job.outcome).where(Job.key == "escalation")
            )
        ).all()
    assert (attempts, outcome) == (0, None)


async def test_a_run_whose_claim_ran_out_is_undone(worker: App, clock: ManualClock) -> None:
    await schedule(worker, "note:5", due_in=timedelta(0), n=5)
    async with UnitOfWork(worker.sessions) as uow:  # a worker claims it, and stalls
        stalled = await Services.bind(uow.session).jobs.claim_due(now=clock.now(), kinds=["note"])
    assert stalled is not None
    clock.advance(minutes=3)
    await worker.scheduler.run_due()  # another worker takes it over and runs it

    async def stalled_worker_goes_on() -> None:
        async with UnitOfWork(worker.sessions) as uow:
            services = Services.bind(uow.session)
            await note_for_staff(worker)(stalled, services)
            await services.jobs.finish(job=stalled, now=clock.now())

    with pytest.raises(ClaimLost):
        await stalled_worker_goes_on()

    assert await staff_notices(worker) == [5]  # once
