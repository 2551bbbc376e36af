"""The staff chat's side of requests: one forum topic per person, and the outbox of
messages still to deliver (to the staff chat, or to a person), in order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import NOBODY, PersonalData


class StaffTopic(Base):
    """A person's topic; the one without a person holds the system's notices to staff."""

    __tablename__ = "staff_topic"
    __table_args__ = (UniqueConstraint("chat_id", "thread_id"),)
    # The topic in Telegram is named after the person; it goes with them.
    __personal_data__ = PersonalData(person="person_id", columns=("thread_id", "created_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), unique=True
    )
    chat_id: Mapped[int] = mapped_column(BigInteger)
    thread_id: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxMessage(Base):
    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_queue", "queue", "sent_at", "id"),)
    __personal_data__ = PersonalData(person="person_id", columns=("queue", "payload"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # "staff", or "person:<id>": each queue is delivered in order.
    queue: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(String(200))


class StaffChatMove(Base):
    """A staff group that became a supergroup has a new id; the bot follows it."""

    __tablename__ = "staff_chat_move"
    __personal_data__ = NOBODY

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    from_chat_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    to_chat_id: Mapped[int] = mapped_column(BigInteger)
    moved_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StaffMessageLink(Base):
    """In a staff chat without topics: which person a forwarded message belongs to, so that
    a staff reply to it reaches them."""

    __tablename__ = "staff_message_link"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)
    __personal_data__ = PersonalData(person="person_id", columns=("message_id", "created_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int] = mapped_column(BigInteger)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
