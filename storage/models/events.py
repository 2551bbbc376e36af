"""Platform events already handled (so a redelivered one is handled once), and the
sources that brought people in through deep links (counted, not tied to anyone)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import NOBODY


class ProcessedEvent(Base):
    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("channel", "event_key"),)
    __personal_data__ = NOBODY  # the platform's event ids only

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    event_key: Mapped[str] = mapped_column(String(64))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class DeepLinkVisit(Base):
    __tablename__ = "deep_link_visit"
    __personal_data__ = NOBODY  # counted, not tied to anyone

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    target: Mapped[str] = mapped_column(String(64))
    source: Mapped[str | None] = mapped_column(String(32), index=True)
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime())
