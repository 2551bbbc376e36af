"""Delivers the outbox, for every channel: each queue (one destination) in order, one
that cannot take a message holding back nobody else.

What a message is and how it goes out is the business of the sender registered for its
kind (the staff inbox's copies and answers, messages to a person); the rules for failing
are here, once:

- a temporary failure (`DeliveryFailed`) backs off, for its queue alone, at least as long
  as the other side asked;
- a permanent one (`DeliveryRefused`, `PersonGone`) takes the message out of its queue and
  reports it;
- when it is unknown whether a try arrived (the line broke, or it took longer than
  `SEND_WITHIN`), the next try is marked as a possible repeat: a copy too many is better
  than a message lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.logging import failure
from storage.clock import Clock
from storage.db import DbSessions
from storage.services import Services
from storage.services.outbox import CLAIM_FOR, KINDS, OutboxItem
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

RETRY_AFTER = (5, 15, 60, 300, 900)  # seconds, then every 15 minutes
# A message whose sending fails with an error of our own (a bug) is given up after this
# many tries, and reported, instead of holding back its queue for ever.
GIVE_UP_ON_ERRORS_AFTER = 8
PASSES = 3  # a delivery may queue another one (a note to staff), which one more pass sends
# A delivery that takes longer is given up for now, before its claim runs out and another
# worker could send it too; whether it arrived is unknown, so its next try is marked.
SEND_WITHIN = CLAIM_FOR.total_seconds() * 2 / 3


class DeliveryFailed(Exception):
    """The other side could not be reached now; try again later (not before `retry_after`
    seconds, when it said so). `outcome_unknown`: the try may have arrived all the same.
    `busy`: it was not tried, only kept waiting (the pace); that is no failed attempt."""

    def __init__(
        self,
        reason: str,
        *,
        retry_after: float | None = None,
        outcome_unknown: bool = False,
        busy: bool = False,
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.outcome_unknown = outcome_unknown
        self.busy = busy


class DeliveryRefused(Exception):
    """The other side refused this message as it is: trying again would change nothing."""


class PersonGone(DeliveryRefused):
    """The person blocked the bot, or lives on a channel that cannot reach them."""


class NotServedHere(Exception):
    """This process cannot send the message (its channel runs elsewhere, e.g. a Telegram
    person's while only the console chat runs): it waits, untouched, for one that can."""


Sender = Callable[[OutboxItem], Awaitable[None]]
# Records, in the transaction that takes the message out of its queue, who must learn it.
GivenUp = Callable[[OutboxItem, DeliveryRefused, Services], Awaitable[None]]


class OutboxWorker:
    def __init__(self, *, sessions: DbSessions, clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock
        self._senders: dict[str, Sender] = {}
        self._queues: set[str] = set()
        self._given_up: GivenUp | None = None

    def deliver(self, kind: str, sender: Sender, *, queues: str) -> None:
        """Send the messages of `kind` with `sender`; they wait in queues that start with
        `queues`. Queues this process serves nothing of wait for a process that does (the
        staff chat's, while only the console chat runs)."""
        if kind not in KINDS:
            raise ValueError(f"the outbox holds no {kind!r}")
        self._senders[kind] = sender
        self._queues.add(queues)

    def report_given_up(self, report: GivenUp) -> None:
        """Have someone told of a message taken out of its queue undelivered (its row says
        why in any case)."""
        self._given_up = report

    async def deliver_due(self) -> int:
        """Deliver every due message, in order per queue; returns how many went out. What a
        delivery queues (staff's "✓ delivered" after an answer) goes out in the same call."""
        delivered = 0
        for _ in range(PASSES):
            sent = await self._deliver_pass()
            delivered += sent
            if not sent:
                break
        return delivered

    async def _deliver_pass(self) -> int:
        async with UnitOfWork(self._sessions) as uow:
            queues = await Services.bind(uow.session).outbox.queues_with_work()
        delivered = 0
        for queue in queues:
            if not queue.startswith(tuple(self._queues)):
                continue
            while (item := await self._claim(queue)) is not None:
                if not await self._deliver_one(item):
                    break  # the rest of this queue waits, so that order is kept
                delivered += 1
        return delivered

    async def _claim(self, queue: str) -> OutboxItem | None:
        async with UnitOfWork(self._sessions) as uow:
            return await Services.bind(uow.session).outbox.claim_next(
                queue=queue, now=self._clock.now()
            )

    async def _deliver_one(self, item: OutboxItem) -> bool:
        """Deliver `item`: True when its queue may go on (it went out, or it never can and
        was reported), False when it must wait and its queue with it."""
        try:
            async with asyncio.timeout(SEND_WITHIN):
                await self._sender_of(item)(item)
        except NotServedHere:
            await self._leave(item)
            return False
        except TimeoutError:
            await self._try_later(item, DeliveryFailed("took too long", outcome_unknown=True))
            return False
        except DeliveryRefused as error:
            await self._give_up(item, error)
            return True
        except DeliveryFailed as error:
            await self._try_later(item, error)
            return False
        except Exception as error:  # a bug of ours: logged, and it must not block for ever
            log.error("outbox sender failed item=%s %s", item.id, failure(error))
            if item.attempts + 1 >= GIVE_UP_ON_ERRORS_AFTER:
                await self._give_up(item, DeliveryRefused(type(error).__name__))
                return True
            await self._try_later(item, DeliveryFailed(type(error).__name__))
            return False
        async with UnitOfWork(self._sessions) as uow:
            await Services.bind(uow.session).outbox.mark_sent(
                item_id=item.id, now=self._clock.now()
            )
        log.info("outbox delivered item=%s kind=%s", item.id, item.kind)
        return True

    def _sender_of(self, item: OutboxItem) -> Sender:
        sender = self._senders.get(item.kind)
        if sender is not None:
            return sender
        if item.kind in KINDS:  # another process sends these (a staff answer, here a console)
            raise NotServedHere(item.kind)
        raise DeliveryRefused(f"unknown kind {item.kind!r}")

    async def _leave(self, item: OutboxItem) -> None:
        """Give the claim back, counting no attempt: the message was not tried."""
        async with UnitOfWork(self._sessions) as uow:
            await Services.bind(uow.session).outbox.release(item_id=item.id)

    async def _try_later(self, item: OutboxItem, error: DeliveryFailed) -> None:
        """Back off (at least as long as the other side asked), this queue alone."""
        backoff = 0 if error.busy else RETRY_AFTER[min(item.attempts, len(RETRY_AFTER) - 1)]
        wait = max(backoff, error.retry_after or 0)
        async with UnitOfWork(self._sessions) as uow:
            await Services.bind(uow.session).outbox.mark_failed(
                item_id=item.id,
                attempts=item.attempts,
                counted=not error.busy,
                error=str(error),
                retry_at=self._clock.now() + timedelta(seconds=wait),
                outcome_unknown=error.outcome_unknown,
            )
        log.warning(
            "outbox delivery failed item=%s queue=%s retry_in=%ss", item.id, item.queue, wait
        )

    async def _give_up(self, item: OutboxItem, error: DeliveryRefused) -> None:
        async with UnitOfWork(self._sessions) as uow:
            services = Services.bind(uow.session)
            await services.outbox.give_up(item_id=item.id, reason=str(error), now=self._clock.now())
            if self._given_up is not None:
                await self._given_up(item, error, services)
        log.warning("outbox message refused, given up item=%s queue=%s", item.id, item.queue)
