"""Slots and bookings in storage: published by admins only, imported all or nothing, and a
slot never booked twice, also when twenty people confirm it at the same moment."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import App
from bot.config import Settings
from storage.models import Person
from storage.roles import NotAllowed, Role
from storage.services.bookings import BadSlot, BookingRules, Bookings, NewSlot, Slots, SlotTaken
from storage.slot_files import parse_start
from storage.uow import UnitOfWork
from tests.fakes.clock import ManualClock
from tests.instances import Instance

RACERS = 20


def slot(clock: ManualClock, *, days: int = 3, hour: int = 10, staff: str = "Hamida") -> NewSlot:
    start = (clock.now() + timedelta(days=days)).replace(hour=hour, minute=0, second=0)
    return NewSlot(start, 60, "video", "https://meet.example.org/erstgespraech", staff)


async def publish(app: App, new: NewSlot) -> int | BadSlot:
    async with UnitOfWork(app.sessions) as uow:
        return await Slots(uow.session).publish(new, role=Role.ADMIN, now=app.clock.now())


async def people(app: App, count: int) -> list[int]:
    async with UnitOfWork(app.sessions) as uow:
        made = [Person(created_at=app.clock.now()) for _ in range(count)]
        for person in made:
            uow.session.add(person)
        await uow.session.flush()
        return [person.id for person in made]


async def test_only_admins_publish_and_a_bad_slot_says_why(app: App, clock: ManualClock) -> None:
    async with UnitOfWork(app.sessions) as uow:
        slots = Slots(uow.session)
        for role in (Role.PERSON, Role.STAFF):
            with pytest.raises(NotAllowed):
                await slots.publish(slot(clock), role=role, now=clock.now())
    assert isinstance(await publish(app, slot(clock)), int)

    past = slot(clock, days=-1)
    close = NewSlot(slot(clock).starts_at + timedelta(minutes=70), 30, "phone", None, "Hamida")
    no_place = NewSlot(slot(clock, days=4).starts_at, 60, "in_person", "", "Peter")
    assert await publish(app, past) == BadSlot("starts in the past")
    assert (await publish(app, close)).reason.startswith("too close to Hamida's conversation")
    assert (await publish(app, no_place)).reason.startswith("a in_person conversation needs")
    other_staff = NewSlot(close.starts_at, 30, "phone", None, "Peter")
    assert isinstance(await publish(app, other_staff), int)


async def test_an_import_with_a_bad_line_imports_nothing_and_names_every_bad_line(
    app: App, clock: ManualClock
) -> None:
    rows = [
        (2, slot(clock, hour=9)),
        (3, "no start time"),
        (4, slot(clock, days=-2)),
        (5, slot(clock, hour=9, staff="Peter")),
        (6, slot(clock, hour=9)),  # the same team member at the same time as line 2
    ]
    async with UnitOfWork(app.sessions) as uow:
        report = await Slots(uow.session).import_all(rows, role=Role.ADMIN, now=clock.now())
        listed = await Slots(uow.session).listed(
            start=clock.now(), end=clock.now() + timedelta(days=30)
        )

    assert [(p.line, p.reason[:20]) for p in report.problems] == [
        (3, "no start time"),
        (4, "starts in the past"),
        (6, "too close to Hamida'"),
    ]
    assert (report.imported, listed) == (0, [])


async def test_a_booked_slot_is_free_again_once_cancelled(app: App, clock: ManualClock) -> None:
    slot_id = await publish(app, slot(clock))
    [olena, ali] = await people(app, 2)
    async with UnitOfWork(app.sessions) as uow:
        bookings = Bookings(uow.session)
        booking = await bookings.book(
            slot_id=slot_id, person_id=olena, purpose="opening_process", answers={}, now=clock.now()
        )
        with pytest.raises(SlotTaken):
            await bookings.book(
                slot_id=slot_id,
                person_id=ali,
                purpose="opening_process",
                answers={},
                now=clock.now(),
            )
        assert await bookings.cancel(booking, person_id=ali, now=clock.now()) is False
        assert await bookings.cancel(booking, person_id=olena, now=clock.now())
        free = await Slots(uow.session).free(
            start=clock.now(), end=clock.now() + timedelta(days=7), now=clock.now()
        )
        assert [s.id for s in free] == [slot_id]
        again = await bookings.book(
            slot_id=slot_id, person_id=ali, purpose="consultation", answers={}, now=clock.now()
        )
    assert again != booking


async def test_notice_and_a_full_day_keep_slots_from_being_booked(
    app: App, clock: ManualClock
) -> None:
    soon = NewSlot(clock.now() + timedelta(hours=5), 60, "phone", None, "Hamida")
    soon_id = await publish(app, soon)
    first = await publish(app, slot(clock, hour=9))
    second = await publish(app, slot(clock, hour=12))
    [person] = await people(app, 1)
    rules = BookingRules(per_day=1)
    async with UnitOfWork(app.sessions) as uow:
        bookings = Bookings(uow.session, rules)
        with pytest.raises(SlotTaken):
            await bookings.book(
                slot_id=soon_id, person_id=person, purpose="x", answers={}, now=clock.now()
            )
        await bookings.book(
            slot_id=first, person_id=person, purpose="x", answers={}, now=clock.now()
        )
        free = await Slots(uow.session, rules).free(
            start=clock.now(), end=clock.now() + timedelta(days=7), now=clock.now()
        )
        assert second not in [s.id for s in free]
        with pytest.raises(SlotTaken):
            await bookings.book(
                slot_id=second, person_id=person, purpose="x", answers={}, now=clock.now()
            )


async def test_twenty_people_confirming_one_slot_at_once_get_it_once(
    app: App, settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> None:
    slot_id = await publish(app, slot(clock))
    racers = await people(app, RACERS)
    instances = [
        Instance(App.build(settings, clock=clock, compiled_dir=compiled_catalogs))
        for _ in range(RACERS)
    ]
    # On PostgreSQL all twenty hold a transaction before any books; SQLite lets one writer
    # in at a time, so there they simply go at once.
    postgres = settings.database_url.startswith("postgresql")
    ready = threading.Barrier(RACERS if postgres else 1)
    inside = {"now": 0, "most": 0}
    lock = threading.Lock()

    async def confirm(app: App, person_id: int) -> str:
        async with UnitOfWork(app.sessions) as uow:
            if postgres:
                await uow.session.execute(text("SELECT 1"))  # in a transaction already
            await asyncio.to_thread(ready.wait)
            with lock:
                inside["now"] += 1
                inside["most"] = max(inside["most"], inside["now"])
            try:
                await Bookings(uow.session).book(
                    slot_id=slot_id, person_id=person_id, purpose="x", answers={}, now=clock.now()
                )
                outcome = "booked"
            except SlotTaken:
                outcome = "taken"
            with lock:
                inside["now"] -= 1
        return outcome

    outcomes = await asyncio.gather(
        *(
            each.run(lambda app, p=p: confirm(app, p))
            for each, p in zip(instances, racers, strict=True)
        )
    )
    for each in instances:
        await each.close()

    assert sorted(outcomes) == ["booked"] + ["taken"] * (RACERS - 1)
    async with app.sessions() as session:
        live = (
            await session.execute(text("SELECT count(*) FROM booking WHERE status = 'booked'"))
        ).scalar_one()
    assert live == 1
    if postgres:  # SQLite serialises every write
        assert inside["most"] > 1, "the confirmations never overlapped"


def test_a_time_the_clocks_skip_is_refused() -> None:
    with pytest.raises(ValueError, match="no such time in Europe/Berlin"):
        parse_start("2027-03-28 02:30")
    assert parse_start("2027-03-28 03:30").hour == 1  # UTC


async def test_staff_cancel_anyones_booking_but_a_person_only_their_own(
    app: App, clock: ManualClock
) -> None:
    slot_id = await publish(app, slot(clock))
    [olena] = await people(app, 1)
    async with UnitOfWork(app.sessions) as uow:
        bookings = Bookings(uow.session)
        booking = await bookings.book(
            slot_id=slot_id, person_id=olena, purpose="x", answers={}, now=clock.now()
        )
        with pytest.raises(NotAllowed):
            await bookings.cancel(booking, person_id=None, now=clock.now())
        assert await bookings.cancel(booking, person_id=None, now=clock.now(), role=Role.STAFF)
