"""A person, and the ways to reach them: one identity per channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData


class Person(Base):
    __tablename__ = "person"
    __personal_data__ = PersonalData(person="id", columns=("locale", "first_name", "created_at"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    first_name: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())

    identities: Mapped[list[ChannelIdentity]] = relationship(back_populates="person")


class ChannelIdentity(Base):
    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    __personal_data__ = PersonalData(
        person="person_id",
        columns=("external_id", "locale_hint", "created_at", "unreachable_since"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    locale_hint: Mapped[str | None] = mapped_column(String(35))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # Set when the platform refused delivery (the person blocked the bot); cleared when
    # they write again or the platform reports them back.
    unreachable_since: Mapped[datetime | None] = mapped_column(UtcDateTime())

    person: Mapped[Person] = relationship(back_populates="identities")
