"""Every model, imported so that `Base.metadata` knows all tables."""

from storage.models.base import Base
from storage.models.bookings import Booking, Slot
from storage.models.consents import Consent
from storage.models.conversations import Conversation
from storage.models.events import DeepLinkVisit, ProcessedEvent
from storage.models.jobs import Job
from storage.models.people import ChannelIdentity, Person
from storage.models.staff import OutboxMessage, StaffChatMove, StaffMessageLink, StaffTopic
from storage.models.tickets import Ticket, TicketMessage

__all__ = [
    "Base",
    "Booking",
    "ChannelIdentity",
    "Consent",
    "Conversation",
    "DeepLinkVisit",
    "Job",
    "OutboxMessage",
    "Person",
    "ProcessedEvent",
    "Slot",
    "StaffChatMove",
    "StaffMessageLink",
    "StaffTopic",
    "Ticket",
    "TicketMessage",
]
