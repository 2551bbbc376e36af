"""Use cases, each working inside the caller's transaction; none of them commits."""

from __future__ import annotations

from dataclasses import dataclass

from storage.db import DbSession
from storage.services.bookings import Slots
from storage.services.consents import Consents
from storage.services.conversations import Conversations
from storage.services.events import DeepLinkVisits, ProcessedEvents
from storage.services.jobs import Jobs
from storage.services.outbox import Outbox
from storage.services.people import People
from storage.services.request_reports import RequestReports
from storage.services.staff_topics import StaffTopics
from storage.services.tickets import Tickets


@dataclass(frozen=True)
class Services:
    """Every service, bound to one unit of work's session."""

    people: People
    conversations: Conversations
    processed_events: ProcessedEvents
    deep_link_visits: DeepLinkVisits
    tickets: Tickets
    outbox: Outbox
    jobs: Jobs
    staff_topics: StaffTopics
    consents: Consents
    request_reports: RequestReports
    slots: Slots

    @classmethod
    def bind(cls, session: DbSession) -> Services:
        return cls(
            people=People(session),
            conversations=Conversations(session),
            processed_events=ProcessedEvents(session),
            deep_link_visits=DeepLinkVisits(session),
            tickets=Tickets(session),
            outbox=Outbox(session),
            jobs=Jobs(session),
            staff_topics=StaffTopics(session),
            consents=Consents(session),
            request_reports=RequestReports(session),
            slots=Slots(session),
        )
