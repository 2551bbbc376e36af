"""Timed jobs: scheduled once per key, claimed by exactly one worker, run late rather than
never after downtime, and never twice.

A worker claims a due job in one transaction (PostgreSQL skips rows another worker has
locked; everywhere the claim is a conditional UPDATE that only one transaction can win),
then runs it and settles it in the next. A worker that dies meanwhile leaves its claim to
run out, and the job runs again: whatever a job changes in the database it changes in the
transaction that settles it, so nothing of a half-run job stays behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update

from storage.db import DbSession, insert_unless_present
from storage.models import Job

CLAIM_FOR = timedelta(minutes=2)  # longer than any job takes; then another worker may


class ClaimLost(Exception):
    """The job's claim ran out and another worker took it: this run must not settle it."""


@dataclass(frozen=True)
class DueJob:
    id: int
    key: str
    kind: str
    payload: dict[str, Any]
    attempts: int
    claimed_until: datetime  # this worker's claim; settling checks it is still the job's


class Jobs:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def schedule(
        self, *, key: str, kind: str, due_at: datetime, payload: dict[str, Any], now: datetime
    ) -> None:
        """Do `kind` at `due_at`. Scheduling the same key again moves the job (a booking
        saved twice has one reminder); a job that already ran or was cancelled stays so."""
        added = await insert_unless_present(
            self._session,
            Job.__table__,
            {
                "key": key,
                "kind": kind,
                "payload": payload,
                "created_at": now,
                "due_at": due_at,
                "attempts": 0,
            },
            unique=["key"],
        )
        if not added:
            await self._session.execute(
                update(Job)
                .where(Job.key == key, Job.finished_at.is_(None))
                .values(kind=kind, payload=payload, due_at=due_at)
                .execution_options(synchronize_session=False)
            )

    async def keep_recurring(self, *, kind: str, first_due: datetime, now: datetime) -> None:
        """A job that comes back (housekeeping): its kind is its key, and it is added once."""
        await insert_unless_present(
            self._session,
            Job.__table__,
            {
                "key": kind,
                "kind": kind,
                "payload": {},
                "created_at": now,
                "due_at": first_due,
                "attempts": 0,
            },
            unique=["key"],
        )

    async def cancel(self, *, key_prefix: str, now: datetime) -> int:
        """Cancel the jobs not yet run whose key starts with `key_prefix`, which ends with
        ":" (`booking:1:`, a booking's reminders, not booking 17's); returns how many."""
        if not key_prefix.endswith(":"):
            raise ValueError(f"a key prefix ends with ':', not {key_prefix!r}")
        result = await self._session.execute(
            update(Job)
            .where(Job.key.startswith(key_prefix, autoescape=True), Job.finished_at.is_(None))
            .values(finished_at=now, outcome="cancelled", claimed_until=None)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)

    async def claim_due(self, *, now: datetime, kinds: Sequence[str]) -> DueJob | None:
        """The job of one of `kinds` due longest, claimed for this worker; None when none
        is due (or every due one is held by another worker)."""
        free = or_(Job.claimed_until.is_(None), Job.claimed_until <= now)
        row = (
            await self._session.execute(
                select(Job)
                .where(Job.finished_at.is_(None), Job.due_at <= now, free, Job.kind.in_(kinds))
                .order_by(Job.due_at, Job.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        claim = now + CLAIM_FOR
        claimed = await self._session.execute(
            update(Job)
            .where(Job.id == row.id, Job.finished_at.is_(None), free)
            .values(claimed_until=claim)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            return None
        return DueJob(row.id, row.key, row.kind, dict(row.payload), row.attempts, claim)

    async def finish(self, *, job: DueJob, now: datetime) -> None:
        await self._settle(job, finished_at=now, outcome="done", claimed_until=None)

    async def move_on(self, *, job: DueJob, due_at: datetime) -> None:
        """A recurring job ran: it comes back at `due_at`."""
        await self._settle(job, due_at=due_at, claimed_until=None, attempts=0, last_error=None)

    async def try_later(self, *, job: DueJob, error: str, due_at: datetime) -> None:
        await self._settle(
            job,
            due_at=due_at,
            claimed_until=None,
            attempts=job.attempts + 1,
            last_error=error[:200],
        )

    async def give_up(self, *, job: DueJob, error: str, now: datetime) -> None:
        await self._settle(
            job,
            finished_at=now,
            outcome="given up",
            claimed_until=None,
            attempts=job.attempts + 1,
            last_error=error[:200],
        )

    async def pending(self, *, key_prefix: str = "") -> list[tuple[str, datetime]]:
        """The keys and due times of the jobs still to run, soonest first."""
        rows = await self._session.execute(
            select(Job.key, Job.due_at)
            .where(Job.finished_at.is_(None), Job.key.startswith(key_prefix, autoescape=True))
            .order_by(Job.due_at, Job.id)
        )
        return list(rows.tuples())

    async def _settle(self, job: DueJob, **values: Any) -> None:
        """Change the job if this worker's claim still holds; ClaimLost (and the caller's
        transaction undone) if another worker took it over."""
        settled = await self._session.execute(
            update(Job)
            .where(Job.id == job.id, Job.claimed_until == job.claimed_until)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if settled.rowcount != 1:
            raise ClaimLost(job.key)
