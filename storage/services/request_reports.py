"""Requests to the team as staff read them: at a terminal (`erstkontakt requests`), and as a
spreadsheet for admins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from storage.db import DbSession
from storage.models import ChannelIdentity, Person, Ticket, TicketMessage
from storage.roles import Action, Role, require


@dataclass(frozen=True)
class RequestSummary:
    ticket_id: int
    person_id: int
    first_name: str | None
    channel: str
    status: str
    locale: str
    created_at: datetime
    messages: int
    first_text: str | None


@dataclass(frozen=True)
class RequestMessage:
    author: str  # person | staff | note
    kind: str
    text: str | None
    created_at: datetime


@dataclass(frozen=True)
class RequestDetail:
    summary: RequestSummary
    messages: tuple[RequestMessage, ...]


class RequestReports:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def summaries(self, *, limit: int | None = 50) -> list[RequestSummary]:
        """The newest requests first (all of them when `limit` is None)."""
        query = self._summaries().order_by(Ticket.id.desc())
        rows = await self._session.execute(query if limit is None else query.limit(limit))
        return [RequestSummary(*row) for row in rows.tuples()]

    async def open_requests(self, *, role: Role) -> list[RequestSummary]:
        """Every request not closed, oldest first; only for those who may export."""
        require(role, Action.EXPORT)
        query = self._summaries().where(Ticket.status != "closed").order_by(Ticket.id)
        return [RequestSummary(*row) for row in (await self._session.execute(query)).tuples()]

    async def request(self, ticket_id: int) -> RequestDetail | None:
        """One request with every message, oldest first; None when there is no such one."""
        row = (await self._session.execute(self._summaries().where(Ticket.id == ticket_id))).first()
        if row is None:
            return None
        messages = await self._session.execute(
            select(
                TicketMessage.author,
                TicketMessage.kind,
                TicketMessage.text,
                TicketMessage.created_at,
            )
            .where(TicketMessage.ticket_id == ticket_id)
            .order_by(TicketMessage.id)
        )
        return RequestDetail(
            RequestSummary(*row), tuple(RequestMessage(*m) for m in messages.tuples())
        )

    @staticmethod
    def _summaries() -> Select[tuple]:
        counted = (
            select(
                TicketMessage.ticket_id,
                func.count().label("messages"),
                func.min(TicketMessage.id).label("first_id"),
            )
            .group_by(TicketMessage.ticket_id)
            .subquery()
        )
        return (
            select(
                Ticket.id,
                Ticket.person_id,
                Person.first_name,
                ChannelIdentity.channel,
                Ticket.status,
                Ticket.locale,
                Ticket.created_at,
                counted.c.messages,
                TicketMessage.text,
            )
            .join(counted, counted.c.ticket_id == Ticket.id)
            .join(TicketMessage, TicketMessage.id == counted.c.first_id)
            .join(Person, Person.id == Ticket.person_id)
            .join(ChannelIdentity, ChannelIdentity.id == Ticket.identity_id)
        )
