"""Consent: a person's agreement to store their data for one purpose, with the version of
the text they were shown. Taking it back marks the row; the row stays as the record of both."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData


class Purpose(StrEnum):
    """What personal data is stored for; each needs its own consent."""

    STAFF_REQUESTS = "staff_requests"
    BOOKING = "booking"
    EVENT_REGISTRATION = "event_registration"
    BAUTZEN_PARTICIPATION = "bautzen_participation"
    NEWS = "news"


class Consent(Base):
    __tablename__ = "consent"
    __table_args__ = (Index("ix_consent_person_id_purpose", "person_id", "purpose"),)
    __personal_data__ = PersonalData(
        person="person_id",
        columns=("purpose", "text_version", "locale", "given_at", "withdrawn_at"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(32))
    # The first 16 hex digits of the SHA-256 of the text shown, in the person's language.
    text_version: Mapped[str] = mapped_column(String(16))
    locale: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
