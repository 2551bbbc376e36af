"""Requests to the team: every message a person sends to the team is stored here first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import DbSession
from storage.models import OutboxMessage, Ticket, TicketMessage
from storage.services.outbox import Outbox, person_queue, staff_queue


@dataclass(frozen=True)
class Receipt:
    """A stored message; `new_request` when it opened a request."""

    ticket_id: int
    message_id: int
    new_request: bool


@dataclass(frozen=True)
class TicketView:
    id: int
    person_id: int
    identity_id: int
    status: str
    locale: str


class Tickets:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add_from_person(
        self,
        *,
        person_id: int,
        identity_id: int,
        locale: str,
        kind: str,
        text: str | None,
        file_ref: str | None,
        now: datetime,
        source_ref: str | None = None,
    ) -> Receipt:
        """Store a message for the team in the person's request that is not closed, or in a
        new one, and queue it for the staff chat. A follow-up opens an answered request again."""
        ticket_id = await self._unclosed(person_id)
        new_request = ticket_id is None
        reopened = new_request and await self.has_asked_before(person_id=person_id)
        if ticket_id is None:
            ticket_id = await self._open(person_id, identity_id, locale, now)
        else:
            reopened = await self._status(ticket_id) != "open"
            await self._session.execute(
                update(Ticket)
                .where(Ticket.id == ticket_id)
                .values(status="open", updated_at=now, locale=locale, escalated_at=None)
                .execution_options(synchronize_session=False)
            )
        result = await self._session.execute(
            insert(TicketMessage)
            .values(
                ticket_id=ticket_id,
                author="person",
                kind=kind,
                text=text,
                file_ref=file_ref,
                created_at=now,
            )
            .returning(TicketMessage.id)
        )
        receipt = Receipt(ticket_id, result.scalar_one(), new_request)
        await Outbox(self._session).add(
            queue=staff_queue(person_id),
            kind="forward",
            person_id=person_id,
            ticket_id=ticket_id,
            payload={
                "message_id": receipt.message_id,
                "kind": kind,
                "text": text,
                "source_ref": source_ref,
                "locale": locale,
                "new_request": new_request,
                "reopened": reopened,
            },
            now=now,
        )
        return receipt

    async def add_from_staff(
        self,
        *,
        person_id: int,
        kind: str,
        text: str | None,
        source_ref: str | None,
        internal: bool,
        now: datetime,
    ) -> int | None:
        """Store a staff message in the person's latest request; unless it is an internal
        note, queue it for the person. None when the person never made a request."""
        ticket = await self._latest(person_id)
        if ticket is None:
            return None
        await self._session.execute(
            insert(TicketMessage).values(
                ticket_id=ticket.id,
                author="note" if internal else "staff",
                kind=kind,
                text=text,
                file_ref=None,
                created_at=now,
            )
        )
        if not internal:
            await Outbox(self._session).add(
                queue=person_queue(person_id),
                kind="relay",
                person_id=person_id,
                ticket_id=ticket.id,
                payload={"kind": kind, "text": text, "source_ref": source_ref},
                now=now,
            )
        return ticket.id

    async def set_status(self, *, ticket_id: int, status: str, now: datetime) -> None:
        """open, answered or closed; closing stamps the time the retention counts from."""
        await self._session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(
                status=status,
                updated_at=now,
                closed_at=now if status == "closed" else None,
                escalated_at=None,
            )
            .execution_options(synchronize_session=False)
        )

    async def close_for_person(self, *, ticket_id: int, person_id: int, now: datetime) -> bool:
        """Close the person's own request if it is not closed; False when there is nothing
        to close (closed already, deleted, or someone else's)."""
        closed = await self._session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.person_id == person_id, Ticket.status != "closed")
            .values(status="closed", updated_at=now, closed_at=now, escalated_at=None)
            .execution_options(synchronize_session=False)
        )
        return closed.rowcount == 1

    async def delete_closed_before(self, cutoff: datetime) -> int:
        """Delete requests closed before `cutoff`, with their messages and what the outbox
        still holds of them (the retention period people are told); returns how many."""
        expired = select(Ticket.id).where(Ticket.status == "closed", Ticket.closed_at < cutoff)
        for table in (OutboxMessage, TicketMessage):
            await self._session.execute(
                delete(table)
                .where(table.ticket_id.in_(expired))
                .execution_options(synchronize_session=False)
            )
        deleted = await self._session.execute(
            delete(Ticket)
            .where(Ticket.id.in_(expired))
            .execution_options(synchronize_session=False)
        )
        return int(deleted.rowcount or 0)

    async def waiting(self) -> list[tuple[int, int, datetime]]:
        """(ticket, person, since) of open requests not yet raised again, oldest first."""
        rows = await self._session.execute(
            select(Ticket.id, Ticket.person_id, Ticket.updated_at)
            .where(Ticket.status == "open", Ticket.escalated_at.is_(None))
            .order_by(Ticket.updated_at)
        )
        return list(rows.tuples())

    async def claim_escalation(self, *, ticket_id: int, now: datetime) -> bool:
        """Take the raising of a request again for this instance: True for exactly one of
        several instances that try at once."""
        claimed = await self._session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        return claimed.rowcount == 1

    async def release_escalation(self, *, ticket_id: int) -> None:
        """The request could not be raised again now: the next round tries again."""
        await self._session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(escalated_at=None)
            .execution_options(synchronize_session=False)
        )

    async def latest(self, *, person_id: int) -> TicketView | None:
        ticket = await self._latest(person_id)
        if ticket is None:
            return None
        return TicketView(
            ticket.id, ticket.person_id, ticket.identity_id, ticket.status, ticket.locale
        )

    async def _latest(self, person_id: int) -> Ticket | None:
        return (
            (
                await self._session.execute(
                    select(Ticket).where(Ticket.person_id == person_id).order_by(Ticket.id.desc())
                )
            )
            .scalars()
            .first()
        )

    async def has_asked_before(self, *, person_id: int) -> bool:
        found = await self._session.execute(
            select(Ticket.id).where(Ticket.person_id == person_id).limit(1)
        )
        return found.first() is not None

    async def _status(self, ticket_id: int) -> str:
        found = await self._session.execute(select(Ticket.status).where(Ticket.id == ticket_id))
        return found.scalar_one()

    async def _unclosed(self, person_id: int) -> int | None:
        found = await self._session.execute(
            select(Ticket.id).where(Ticket.person_id == person_id, Ticket.status != "closed")
        )
        return found.scalar_one_or_none()

    async def _open(self, person_id: int, identity_id: int, locale: str, now: datetime) -> int:
        """A new request; if another process opened one at the same moment, that one."""
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(
                    insert(Ticket)
                    .values(
                        person_id=person_id,
                        identity_id=identity_id,
                        status="open",
                        locale=locale,
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(Ticket.id)
                )
                return result.scalar_one()
        except IntegrityError:
            ticket_id = await self._unclosed(person_id)
            if ticket_id is None:  # pragma: no cover - the index guarantees one
                raise
            return ticket_id
