"""Conversation state: read it, and save it only if nobody else changed it meanwhile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Conversation


class ConversationChanged(Exception):
    """Another process saved this conversation first; the event must be handled again."""


@dataclass
class ConversationState:
    identity_id: int
    locale: str
    flow: str
    step: str
    answers: dict[str, Any] = field(default_factory=dict)
    prompt_token: int = 0
    offered: list[str] = field(default_factory=list)
    version: int = 0

    @property
    def position(self) -> tuple[str, str]:
        return (self.flow, self.step)


class Conversations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, identity_id: int) -> ConversationState | None:
        row = (
            await self._session.execute(
                select(Conversation).where(Conversation.identity_id == identity_id)
            )
        ).scalar_one_or_none()
        if row is None:
            return None
        return ConversationState(
            identity_id=identity_id,
            locale=row.locale,
            flow=row.flow,
            step=row.step,
            answers=dict(row.answers or {}),
            prompt_token=row.prompt_token,
            offered=list(row.offered or []),
            version=row.version,
        )

    async def save(self, state: ConversationState, *, now: datetime) -> None:
        """Store `state`; raises `ConversationChanged` if its version is no longer current."""
        values = {
            "locale": state.locale,
            "flow": state.flow,
            "step": state.step,
            "answers": state.answers,
            "prompt_token": state.prompt_token,
            "offered": state.offered,
            "updated_at": now,
        }
        if state.version == 0:
            try:
                async with self._session.begin_nested():
                    await self._session.execute(
                        insert(Conversation).values(
                            identity_id=state.identity_id, version=1, **values
                        )
                    )
            except IntegrityError as error:
                raise ConversationChanged(state.identity_id) from error
            state.version = 1
            return
        result = await self._session.execute(
            update(Conversation)
            .where(
                Conversation.identity_id == state.identity_id,
                Conversation.version == state.version,
            )
            .values(version=Conversation.version + 1, **values)
        )
        if result.rowcount != 1:
            raise ConversationChanged(state.identity_id)
        state.version += 1
