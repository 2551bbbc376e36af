"""Initial conversations (Erstgespräche): the slots staff publish, and the bookings of
them. A slot has at most one live booking: the database itself refuses a second one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData

MODES = ("phone", "video", "in_person")


class Slot(Base):
    """A time staff offer for a conversation. Removing one keeps its row (its bookings
    refer to it) and marks it removed."""

    __tablename__ = "slot"
    __table_args__ = (Index("ix_slot_starts_at", "starts_at"),)
    __personal_data__ = PersonalData(
        person=None, why="the team member's name, which staff publish themselves"
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    minutes: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))  # phone | video | in_person
    place: Mapped[str | None] = mapped_column(String(300))  # the video link, or the address
    staff_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Booking(Base):
    __tablename__ = "booking"
    __table_args__ = (
        # The guard against giving a slot twice, on SQLite as on PostgreSQL.
        Index(
            "uq_booking_slot_id_live",
            "slot_id",
            unique=True,
            sqlite_where="status = 'booked'",
            postgresql_where="status = 'booked'",
        ),
        Index("ix_booking_person_id", "person_id"),
    )
    __personal_data__ = PersonalData(
        person="person_id", columns=("answers", "created_at", "updated_at", "cancelled_at")
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slot.id", ondelete="RESTRICT"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))  # booked | cancelled
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The invitation's SEQUENCE: raised by every change the person is sent an update for.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
