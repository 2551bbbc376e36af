"""Where a conversation stands: flow, step, collected answers and the prompt on screen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, Id, UtcDateTime
from storage.personal_data import PersonalData


class Conversation(Base):
    __tablename__ = "conversation"
    __personal_data__ = PersonalData(person="identity_id", columns=("locale", "answers"))

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    identity_id: Mapped[int] = mapped_column(
        ForeignKey("channel_identity.id", ondelete="CASCADE"), unique=True
    )
    locale: Mapped[str] = mapped_column(String(16))
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The choices on screen and the number of the prompt that offered them: a press with
    # another token or an id not offered is stale or forged.
    prompt_token: Mapped[int] = mapped_column(Integer, default=0)
    offered: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Text in another language than the chosen one gets one offer to switch, ever.
    language_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
