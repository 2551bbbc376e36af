"""Invitations read back with icalendar: a stable UID, SEQUENCE, METHOD, Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from storage.clock import BERLIN
from storage.invitations import Meeting, cancellation, invitation

NOW = datetime(2026, 12, 4, 9, tzinfo=UTC)
MEETING = Meeting(
    uid="booking-17@erstkontakt",
    sequence=0,
    starts_at=datetime(2026, 12, 10, 9, tzinfo=UTC),  # 10:00 in Berlin
    minutes=60,
    summary="Erstgespräch: Öffnungsprozess",
    description="Mit Hamida Taamiri, per Video.",
    location="https://meet.example.org/erstgespraech",
    organizer=("Projektteam", "team@example.org"),
    attendee=("Olena", "olena@example.org"),
)


def read(content: bytes) -> tuple[Calendar, object]:
    calendar = Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_an_invitation_has_a_stable_uid_its_sequence_and_the_berlin_time() -> None:
    file = invitation(MEETING, now=NOW)

    assert (file.name, file.media_type) == ("erstgespraech.ics", "text/calendar; method=REQUEST")
    calendar, event = read(file.content)
    assert calendar["METHOD"] == "REQUEST"
    assert (event["UID"], event["SEQUENCE"], event["STATUS"]) == (
        "booking-17@erstkontakt",
        0,
        "CONFIRMED",
    )
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 10, 10, tzinfo=BERLIN)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTEND") - start == timedelta(minutes=60)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert str(event["ORGANIZER"]) == "mailto:team@example.org"
    assert event["ORGANIZER"].params["CN"] == "Projektteam"
    assert str(event["ATTENDEE"]) == "mailto:olena@example.org"
    assert event["SUMMARY"] == "Erstgespräch: Öffnungsprozess"


def test_a_move_raises_the_sequence_and_a_cancellation_calls_the_same_event_off() -> None:
    moved = Meeting(
        **{**MEETING.__dict__, "sequence": 1, "starts_at": datetime(2026, 12, 11, 13, tzinfo=UTC)}
    )
    called_off = Meeting(**{**moved.__dict__, "sequence": 2})

    _, update = read(invitation(moved, now=NOW).content)
    calendar, cancel = read(cancellation(called_off, now=NOW).content)

    assert (update["UID"], update["SEQUENCE"]) == (MEETING.uid, 1)
    assert update.decoded("DTSTART") == datetime(2026, 12, 11, 14, tzinfo=BERLIN)
    assert calendar["METHOD"] == "CANCEL"
    assert (cancel["UID"], cancel["SEQUENCE"], cancel["STATUS"]) == (MEETING.uid, 2, "CANCELLED")


def test_an_attendee_without_e_mail_is_named_by_phone_or_left_out() -> None:
    by_phone = Meeting(**{**MEETING.__dict__, "attendee": ("Ali", "+4915755520787")})
    unknown = Meeting(**{**MEETING.__dict__, "attendee": ("Ali", None)})

    assert str(read(invitation(by_phone, now=NOW).content)[1]["ATTENDEE"]) == "tel:+4915755520787"
    assert "ATTENDEE" not in read(invitation(unknown, now=NOW).content)[1]


def test_a_meeting_across_the_change_to_summer_time_lasts_as_long_as_it_says() -> None:
    night = Meeting(
        **{**MEETING.__dict__, "starts_at": datetime(2027, 3, 28, 0, 30, tzinfo=UTC), "minutes": 60}
    )

    _, event = read(invitation(night, now=NOW).content)

    assert event.decoded("DTSTART") == datetime(2027, 3, 28, 1, 30, tzinfo=BERLIN)
    assert event.decoded("DTEND") == datetime(2027, 3, 28, 3, 30, tzinfo=BERLIN)
