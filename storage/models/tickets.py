"""Requests to the team (tickets) and every message in them, stored before anything is
forwarded, so that nothing a person sends is lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData


class Ticket(Base):
    __tablename__ = "ticket"
    __table_args__ = (
        # At most one request per person that is not closed.
        Index(
            "uq_ticket_person_id_unclosed",
            "person_id",
            unique=True,
            sqlite_where="status != 'closed'",
            postgresql_where="status != 'closed'",
        ),
    )

    __personal_data__ = PersonalData(
        person="person_id", columns=("locale", "created_at", "updated_at", "closed_at")
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identity.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))  # open | answered | closed
    locale: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Raised again in the staff chat because nobody answered in time.
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class TicketMessage(Base):
    __tablename__ = "ticket_message"
    __personal_data__ = PersonalData(person="ticket_id", columns=("text", "file_ref", "created_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(8))  # person | staff | note
    kind: Mapped[str] = mapped_column(String(16))  # text | photo | voice | document | ...
    text: Mapped[str | None] = mapped_column(Text)
    file_ref: Mapped[str | None] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
