"""Timed jobs: something to do at a time (a reminder, an offer running out, housekeeping)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData


class Job(Base):
    """One job; its `key` makes it unique (`reminder:booking:17`), so scheduling it again
    moves it instead of adding a second one. A finished job keeps its row (and its key),
    so that it never runs twice; a recurring one is moved on instead of finishing."""

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_due", "finished_at", "due_at"),)
    # A job for a person names them in its payload (a reminder, an offer).
    __personal_data__ = PersonalData(person="payload.person_id", columns=("payload",))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(200))
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # "done", "cancelled" or "given up"
    outcome: Mapped[str | None] = mapped_column(String(16))
