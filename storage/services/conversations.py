"""Conversation state: read it, and save it only if nobody else changed it meanwhile."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from storage.db import DbSession, insert_unless_present
from storage.models import ChannelIdentity, Conversation, Person
from storage.services.people import Identity


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
    language_offered: bool = False
    version: int = 0

    @property
    def position(self) -> tuple[str, str]:
        return (self.flow, self.step)


_TABLE = Conversation.__table__
_C = _TABLE.c
# Built once: these run for every event, and building statements costs more than running them.
_STATE_COLUMNS = (
    _C.locale,
    _C.flow,
    _C.step,
    _C.answers,
    _C.prompt_token,
    _C.offered,
    _C.language_offered,
    _C.version,
)
_IDENTITY, _PERSON = ChannelIdentity.__table__, Person.__table__
# Who writes and where their conversation stands, in one statement: it runs for every event.
_OPEN = (
    select(
        _IDENTITY.c.id.label("identity_id"),
        _IDENTITY.c.person_id,
        _IDENTITY.c.unreachable_since,
        _PERSON.c.locale.label("person_locale"),
        _PERSON.c.first_name,
        *_STATE_COLUMNS,
    )
    .join_from(_IDENTITY, _PERSON, _PERSON.c.id == _IDENTITY.c.person_id)
    .outerjoin(_TABLE, _C.identity_id == _IDENTITY.c.id)
    .where(_IDENTITY.c.channel == bindparam("channel"))
    .where(_IDENTITY.c.external_id == bindparam("external_id"))
)
_SAVE = (
    update(_TABLE)
    .where(
        _C.identity_id == bindparam("current_identity"),
        _C.version == bindparam("current_version"),
    )
    .values(version=_C.version + 1)
)


class Conversations:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def open(
        self, *, channel: str, external_id: str
    ) -> tuple[Identity, ConversationState | None] | None:
        """The identity `(channel, external_id)` with its conversation, if it has one; None
        for someone never seen (`People.identify` creates them)."""
        connection = await self._session.connection()
        params = {"channel": channel, "external_id": external_id}
        row = (await connection.execute(_OPEN, params)).one_or_none()
        if row is None:
            return None
        identity = Identity(
            id=row.identity_id,
            person_id=row.person_id,
            channel=channel,
            external_id=external_id,
            person_locale=row.person_locale,
            first_name=row.first_name,
            unreachable_since=row.unreachable_since,
        )
        state = _state(row.identity_id, row) if row.flow is not None else None
        return identity, state

    async def save(self, state: ConversationState, *, now: datetime) -> None:
        """Store `state`; raises `ConversationChanged` if its version is no longer current."""
        values = {
            "locale": state.locale,
            "flow": state.flow,
            "step": state.step,
            "answers": state.answers,
            "prompt_token": state.prompt_token,
            "offered": state.offered,
            "language_offered": state.language_offered,
            "updated_at": now,
        }
        if state.version == 0:
            values |= {"identity_id": state.identity_id, "version": 1}
            if not await insert_unless_present(
                self._session, _TABLE, values, unique=["identity_id"]
            ):
                raise ConversationChanged(state.identity_id)
            state.version = 1
            return
        connection = await self._session.connection()
        where = {"current_identity": state.identity_id, "current_version": state.version}
        result = await connection.execute(_SAVE, values | where)
        if result.rowcount != 1:
            raise ConversationChanged(state.identity_id)
        state.version += 1


def _state(identity_id: int, row: Any) -> ConversationState:
    return ConversationState(
        identity_id=identity_id,
        locale=row.locale,
        flow=row.flow,
        step=row.step,
        answers=dict(row.answers or {}),
        prompt_token=row.prompt_token,
        offered=list(row.offered or []),
        language_offered=row.language_offered,
        version=row.version,
    )
