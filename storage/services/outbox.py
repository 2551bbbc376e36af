"""The outbox: messages still to deliver, written in the same transaction as what caused
them, delivered after commit, in order per queue, retried until they go out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, or_, select, update

from storage.attachments import Attachment
from storage.db import DbSession
from storage.models import OutboxMessage

# As long as one delivery may take. A claim that runs out unsettled means the worker died
# while sending: the message is sent again and marked as a possible repeat, because a copy
# too many in the staff chat is better than a request lost.
CLAIM_FOR = timedelta(seconds=30)
STAFF_NOTICES = "staff:notices"
STAFF_QUEUES = "staff:"  # every queue to the staff chat starts so
PERSON_QUEUES = "person:"
# What the outbox holds: copies, notes and notices for the staff chat, staff answers and
# the program's messages for people.
KINDS = frozenset({"forward", "topic_note", "notice", "relay", "message"})


def person_queue(person_id: int) -> str:
    """What goes to one person (staff answers, the program's messages), in order."""
    return f"{PERSON_QUEUES}{person_id}"


def staff_queue(person_id: int) -> str:
    """One person's messages to their staff topic, in order. Each destination has its own
    queue, so that one that cannot take a message holds back nobody else."""
    return f"{STAFF_QUEUES}{person_id}"


@dataclass(frozen=True)
class OutboxItem:
    id: int
    queue: str
    kind: str
    person_id: int | None
    ticket_id: int | None
    payload: dict[str, Any]
    attempts: int
    possible_repeat: bool = False  # an earlier claim ran out while it was being sent


_ADDED = "outbox_added"  # a mark in the session's info


def added_in(session: DbSession) -> bool:
    """Whether this session's transaction put messages into the outbox."""
    return bool(session.info.get(_ADDED))


class Outbox:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        queue: str,
        kind: str,
        person_id: int | None,
        ticket_id: int | None,
        payload: dict[str, Any],
        now: datetime,
    ) -> None:
        self._session.info[_ADDED] = True
        await self._session.execute(
            insert(OutboxMessage).values(
                queue=queue,
                kind=kind,
                person_id=person_id,
                ticket_id=ticket_id,
                payload=payload,
                created_at=now,
                attempts=0,
                next_attempt_at=now,
            )
        )

    async def notify_staff(
        self,
        *,
        text: str,
        params: dict[str, Any],
        now: datetime,
        person_id: int | None = None,
        file: Attachment | None = None,
    ) -> None:
        """A notice of the system to staff (a booking, a registration), delivered in order with
        everything else for the staff chat. `text` is an English msgid marked with N_();
        it is translated for staff when delivered. A `file` (a list, an export) follows it."""
        payload: dict[str, Any] = {"text": text, "params": params}
        if file is not None:
            payload["file"] = file.to_payload()
        await self.add(
            queue=STAFF_NOTICES,
            kind="notice",
            person_id=person_id,
            ticket_id=None,
            payload=payload,
            now=now,
        )

    async def tell_person(
        self,
        *,
        person_id: int,
        text: str,
        params: dict[str, Any] | None = None,
        actions: Sequence[tuple[str, str]] = (),
        file: Attachment | None = None,
        now: datetime,
    ) -> None:
        """A message of the program to a person, on whatever channel they live, in their
        language. `text` is an English msgid marked with N_() (translated when delivered);
        `actions` are (standing action, label msgid) pairs shown as buttons that keep
        working after the conversation moved on (`"booking:cancel:17"`)."""
        payload: dict[str, Any] = {
            "text": text,
            "params": params or {},
            "actions": [list(action) for action in actions],
        }
        if file is not None:
            payload["file"] = file.to_payload()
        await self.add(
            queue=person_queue(person_id),
            kind="message",
            person_id=person_id,
            ticket_id=None,
            payload=payload,
            now=now,
        )

    async def claim_next(self, *, queue: str, now: datetime) -> OutboxItem | None:
        """The oldest undelivered message of `queue`, if it is due and nobody else holds it.

        A queue whose oldest message must wait delivers nothing, so that order is kept."""
        row = (
            await self._session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.queue == queue, OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None or row.next_attempt_at > now:
            return None
        claimed = await self._session.execute(
            update(OutboxMessage)
            .where(
                # Checked again by the database: another worker may have sent it meanwhile.
                OutboxMessage.id == row.id,
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
            )
            .values(claimed_until=now + CLAIM_FOR)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            return None
        return OutboxItem(
            row.id,
            row.queue,
            row.kind,
            row.person_id,
            row.ticket_id,
            dict(row.payload),
            row.attempts,
            possible_repeat=row.claimed_until is not None,
        )

    async def staff_chat_failing(self) -> bool:
        """Whether messages for the staff chat wait after a failed attempt: it cannot take
        them now, and what people send is kept until it can."""
        waiting = await self._session.execute(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.queue.like("staff%"),
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.attempts > 0,
            )
            .limit(1)
        )
        return waiting.first() is not None

    async def queues_with_work(self) -> list[str]:
        rows = await self._session.execute(
            select(OutboxMessage.queue).where(OutboxMessage.sent_at.is_(None)).distinct()
        )
        return sorted(rows.scalars())

    async def forget_sent_before(self, cutoff: datetime) -> int:
        """Delete messages delivered before `cutoff`: they copy what people wrote."""
        deleted = await self._session.execute(
            delete(OutboxMessage)
            .where(OutboxMessage.sent_at < cutoff)
            .execution_options(synchronize_session=False)
        )
        return int(deleted.rowcount or 0)

    async def release(self, *, item_id: int) -> None:
        """Give a claim back untried (this worker cannot send it; another one may)."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    async def mark_sent(self, *, item_id: int, now: datetime) -> None:
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(sent_at=now, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    async def give_up(self, *, item_id: int, reason: str, now: datetime) -> None:
        """Take a message out of its queue that cannot be delivered (`sent_at` says when it
        left the queue, `last_error` why it never arrived)."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(sent_at=now, claimed_until=None, last_error=f"given up: {reason}"[:200])
            .execution_options(synchronize_session=False)
        )

    async def mark_failed(
        self,
        *,
        item_id: int,
        attempts: int,
        error: str,
        retry_at: datetime,
        outcome_unknown: bool = False,
        counted: bool = True,
    ) -> None:
        """Try again at `retry_at`. When it is unknown whether the failed try arrived (it
        was cut off while sending), the next one is marked as a possible repeat; a try that
        was only kept waiting is not `counted`."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == item_id)
            .values(
                attempts=attempts + 1 if counted else attempts,
                last_error=error[:200],
                next_attempt_at=retry_at,
                # An ended claim left in place is what marks the next try as a repeat.
                claimed_until=retry_at if outcome_unknown else None,
            )
            .execution_options(synchronize_session=False)
        )
