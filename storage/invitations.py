"""Calendar invitations (`.ics`, RFC 5545) for a booked conversation: one stable UID per
booking and a SEQUENCE raised by every change, so that a calendar updates the event
instead of adding another; `METHOD:REQUEST` for the invitation and its updates,
`METHOD:CANCEL` when it is called off. Times in Europe/Berlin, with the zone's definition
in the file (calendars need it to place the time right)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from storage.attachments import Attachment
from storage.clock import BERLIN

PRODUCT = "-//Erstkontakt//Diversitaet in Institutionen der Migrationsgesellschaft//DE"
FILE_NAME = "erstgespraech.ics"


@dataclass(frozen=True)
class Meeting:
    """What the invitation says. `organizer` and `attendee` are (name, address): an
    e-mail address, or for an attendee without one a phone number (tel:) or None."""

    uid: str
    sequence: int
    starts_at: datetime
    minutes: int
    summary: str
    description: str
    location: str | None
    organizer: tuple[str, str]
    attendee: tuple[str, str | None]


def invitation(meeting: Meeting, *, now: datetime) -> Attachment:
    """The invitation, or its update (a higher `sequence`)."""
    return _calendar(meeting, now=now, method="REQUEST")


def cancellation(meeting: Meeting, *, now: datetime) -> Attachment:
    """The notice that calls the meeting off; `meeting.sequence` is the raised one."""
    return _calendar(meeting, now=now, method="CANCEL")


def _calendar(meeting: Meeting, *, now: datetime, method: str) -> Attachment:
    from icalendar import Calendar, Event, vCalAddress  # only invitations need it

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    end = meeting.starts_at.astimezone(UTC) + timedelta(minutes=meeting.minutes)  # not wall time
    event.add("dtstart", meeting.starts_at.astimezone(BERLIN))
    event.add("dtend", end.astimezone(BERLIN))
    event.add("summary", meeting.summary)
    event.add("description", meeting.description)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    name, address = meeting.organizer
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = name
    event.add("organizer", organizer)
    attendee_name, attendee_address = meeting.attendee
    if attendee_address:
        scheme = "tel" if attendee_address.startswith("+") else "mailto"
        attendee = vCalAddress(f"{scheme}:{attendee_address}")
        attendee.params["cn"] = attendee_name
        attendee.params["role"] = "REQ-PARTICIPANT"
        event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    media_type = f"text/calendar; method={method}"
    return Attachment(FILE_NAME, media_type, calendar.to_ical())
