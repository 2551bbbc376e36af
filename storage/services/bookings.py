"""Slots staff publish and the bookings of them.

A slot is booked by inserting its booking: the partial unique index on live bookings
(`uq_booking_slot_id_live`) lets exactly one of two people confirming the same slot at the
same moment through, on SQLite and on PostgreSQL; the other is told the slot is taken.
Publishing, removing and importing slots are admin actions, checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.clock import BERLIN
from storage.db import DbSession
from storage.models.bookings import MODES, Booking, Slot
from storage.roles import Action, Role, require

SHORTEST, LONGEST = 15, 240  # minutes a conversation may last


@dataclass(frozen=True)
class BookingRules:
    """What staff set: the gap a team member keeps between two conversations, how long
    before its start a slot can still be booked, and how many conversations a team member
    has on one day at most."""

    buffer: timedelta = timedelta(minutes=15)
    notice: timedelta = timedelta(hours=24)
    per_day: int = 4


@dataclass(frozen=True)
class NewSlot:
    starts_at: datetime
    minutes: int
    mode: str
    place: str | None
    staff_name: str


@dataclass(frozen=True)
class SlotView:
    id: int
    starts_at: datetime
    minutes: int
    mode: str
    place: str | None
    staff_name: str
    booked: bool = False


@dataclass(frozen=True)
class BadSlot:
    """Why a slot cannot be published; `line` is its line in an import."""

    reason: str
    line: int | None = None


@dataclass
class ImportReport:
    imported: int = 0
    problems: list[BadSlot] = field(default_factory=list)


class SlotTaken(Exception):
    """The slot was booked, removed or has begun meanwhile: nothing was stored."""


class Slots:
    def __init__(self, session: DbSession, rules: BookingRules | None = None) -> None:
        self._session = session
        self._rules = rules or BookingRules()

    async def publish(self, slot: NewSlot, *, role: Role, now: datetime) -> int | BadSlot:
        """Publish one slot; its id, or why not (nothing stored)."""
        require(role, Action.PUBLISH_SLOTS)
        slot = replace(slot, staff_name=slot.staff_name.strip())
        problem = self._problem(slot, now) or await self._clash(slot, [])
        if problem is not None:
            return BadSlot(problem)
        return await self._insert(slot, now)

    async def import_all(
        self, rows: Iterable[tuple[int, NewSlot | str]], *, role: Role, now: datetime
    ) -> ImportReport:
        """Publish every slot of an import, or none: a row that is a string is a line that
        could not be read. Every bad line is reported with its number."""
        require(role, Action.PUBLISH_SLOTS)
        report, accepted = ImportReport(), []
        for line, row in rows:
            if isinstance(row, str):
                report.problems.append(BadSlot(row, line))
                continue
            row = replace(row, staff_name=row.staff_name.strip())
            problem = self._problem(row, now) or await self._clash(row, accepted)
            if problem is not None:
                report.problems.append(BadSlot(problem, line))
            else:
                accepted.append(row)
        if not report.problems:
            for slot in accepted:
                await self._insert(slot, now)
            report.imported = len(accepted)
        return report

    async def remove(self, slot_id: int, *, role: Role, now: datetime) -> bool:
        """Take a slot back that nobody has booked; False when it is booked or unknown."""
        require(role, Action.PUBLISH_SLOTS)
        await self._session.execute(  # a booking of it waits, or waited, for this
            select(Slot.id).where(Slot.id == slot_id).with_for_update()
        )
        booked = select(Booking.id).where(Booking.slot_id == slot_id, Booking.status == "booked")
        result = await self._session.execute(
            update(Slot)
            .where(Slot.id == slot_id, Slot.removed_at.is_(None), ~booked.exists())
            .values(removed_at=now)
        )
        return bool(result.rowcount)

    async def listed(self, *, start: datetime, end: datetime) -> list[SlotView]:
        """The slots starting in [start, end), booked or not, in order."""
        live = select(Booking.slot_id).where(Booking.status == "booked").subquery()
        rows = await self._session.execute(
            select(Slot, live.c.slot_id.is_not(None))
            .outerjoin(live, live.c.slot_id == Slot.id)
            .where(Slot.removed_at.is_(None), Slot.starts_at >= start, Slot.starts_at < end)
            .order_by(Slot.starts_at, Slot.id)
        )
        return [_view(slot, booked=bool(booked)) for slot, booked in rows.tuples()]

    async def free(self, *, start: datetime, end: datetime, now: datetime) -> list[SlotView]:
        """The slots a person may book now, starting in [start, end): not booked, far
        enough ahead, of a team member not yet full on that day."""
        earliest = max(start, now + self._rules.notice)
        slots = [s for s in await self.listed(start=earliest, end=end) if not s.booked]
        full = await self.full_days(start=earliest, end=end)
        return [s for s in slots if (s.staff_name, _day(s.starts_at)) not in full]

    async def full_days(self, *, start: datetime, end: datetime) -> set[tuple[str, str]]:
        """(team member, day in Berlin) that have as many bookings as a day may hold,
        among the days around [start, end)."""
        rows = await self._session.execute(
            select(Slot.staff_name, Slot.starts_at)
            .join(Booking, Booking.slot_id == Slot.id)
            .where(
                Booking.status == "booked",
                Slot.starts_at >= start - timedelta(days=1),
                Slot.starts_at < end + timedelta(days=1),
            )
        )
        counts: dict[tuple[str, str], int] = {}
        for staff_name, starts_at in rows.tuples():
            key = (staff_name, _day(starts_at))
            counts[key] = counts.get(key, 0) + 1
        return {key for key, count in counts.items() if count >= self._rules.per_day}

    def _problem(self, slot: NewSlot, now: datetime) -> str | None:
        if slot.starts_at <= now:
            return "starts in the past"
        if not SHORTEST <= slot.minutes <= LONGEST:
            return f"lasts {slot.minutes} minutes; {SHORTEST} to {LONGEST} are possible"
        if slot.mode not in MODES:
            return f"mode {slot.mode!r}; one of {', '.join(MODES)}"
        if slot.mode != "phone" and not slot.place:
            return f"a {slot.mode} conversation needs a place (a link or an address)"
        if not slot.staff_name.strip():
            return "names no team member"
        return None

    async def _clash(self, slot: NewSlot, also: list[NewSlot]) -> str | None:
        """Whether the team member has another conversation too close to this one (the
        buffer is kept by publishing slots apart)."""
        start = slot.starts_at - self._rules.buffer
        end = slot.starts_at + timedelta(minutes=slot.minutes) + self._rules.buffer
        found = await self._session.execute(
            select(Slot.starts_at, Slot.minutes).where(
                Slot.staff_name == slot.staff_name,
                Slot.removed_at.is_(None),
                Slot.starts_at < end,
                Slot.starts_at > start - timedelta(minutes=LONGEST),
            )
        )
        others = list(found.tuples())
        others += [(o.starts_at, o.minutes) for o in also if o.staff_name == slot.staff_name]
        for other_start, minutes in others:
            if other_start < end and other_start + timedelta(minutes=minutes) > start:
                return f"too close to {slot.staff_name}'s conversation at {_berlin(other_start)}"
        return None

    async def _insert(self, slot: NewSlot, now: datetime) -> int:
        result = await self._session.execute(
            insert(Slot)
            .values(
                starts_at=slot.starts_at,
                minutes=slot.minutes,
                mode=slot.mode,
                place=slot.place or None,
                staff_name=slot.staff_name.strip(),
                created_at=now,
            )
            .returning(Slot.id)
        )
        return int(result.scalar_one())


class Bookings:
    def __init__(self, session: DbSession, rules: BookingRules | None = None) -> None:
        self._session = session
        self._rules = rules or BookingRules()

    async def book(
        self,
        *,
        slot_id: int,
        person_id: int,
        purpose: str,
        answers: Mapping[str, Any],
        now: datetime,
    ) -> int:
        """Book the slot for the person; the booking's id. Raises `SlotTaken` when the slot
        is booked (also by someone confirming at the same moment), removed, too soon or
        unknown, or its team member is full that day."""
        found = await self._session.execute(
            select(Slot.staff_name, Slot.starts_at).where(Slot.id == slot_id)
        )
        slot = found.first()
        if slot is None:
            raise SlotTaken(slot_id)
        # On PostgreSQL, the team member's slots of that day are locked: a removal of this
        # slot and the bookings that count against the day's cap wait for one another.
        # (SQLite's single writer does this already.)
        day = slot.starts_at.astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
        await self._session.execute(
            select(Slot.id)
            .where(
                Slot.staff_name == slot.staff_name,
                Slot.starts_at >= day,
                Slot.starts_at < day + timedelta(days=1),
            )
            .with_for_update()
        )
        current = await self._session.execute(select(Slot.removed_at).where(Slot.id == slot_id))
        if current.scalar_one() is not None or slot.starts_at < now + self._rules.notice:
            raise SlotTaken(slot_id)
        slots = Slots(self._session, self._rules)
        full = await slots.full_days(start=slot.starts_at, end=slot.starts_at)
        if (slot.staff_name, _day(slot.starts_at)) in full:
            raise SlotTaken(slot_id)
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(
                    insert(Booking)
                    .values(
                        slot_id=slot_id,
                        person_id=person_id,
                        purpose=purpose,
                        status="booked",
                        answers=dict(answers),
                        sequence=0,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(Booking.id)
                )
                return int(result.scalar_one())
        except IntegrityError as error:  # the unique index: someone else has it
            raise SlotTaken(slot_id) from error

    async def cancel(
        self, booking_id: int, *, person_id: int | None, now: datetime, role: Role = Role.PERSON
    ) -> bool:
        """Cancel a live booking: the person's own (`person_id`), or as staff anyone's
        (`person_id` None); its slot is free again at once. False when there is no such
        live booking."""
        query = update(Booking).where(Booking.id == booking_id, Booking.status == "booked")
        if person_id is None:
            require(role, Action.CANCEL_BOOKING)
        else:
            query = query.where(Booking.person_id == person_id)
        result = await self._session.execute(
            query.values(
                status="cancelled",
                cancelled_at=now,
                updated_at=now,
                sequence=Booking.sequence + 1,
            )
        )
        return bool(result.rowcount)


def _view(slot: Slot, *, booked: bool) -> SlotView:
    return SlotView(
        slot.id, slot.starts_at, slot.minutes, slot.mode, slot.place, slot.staff_name, booked
    )


def _day(moment: datetime) -> str:
    return f"{moment.astimezone(BERLIN):%Y-%m-%d}"


def _berlin(moment: datetime) -> str:
    return f"{moment.astimezone(BERLIN):%Y-%m-%d %H:%M}"
