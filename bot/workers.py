"""What runs beside every channel: timed jobs, the outbox, messages to people. Built once
in `bot/app.py`; a channel adds what only it can do (Telegram: the staff chat)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.outbox_worker import OutboxWorker
from bot.person_messages import PersonMessages
from bot.scheduler import Scheduler
from bot.staff_inbox import PeopleChannel, StaffChat, StaffInbox


@dataclass(frozen=True)
class Workers:
    scheduler: Scheduler
    outbox: OutboxWorker
    people: PersonMessages
    # The staff inbox, for a channel that has a staff chat: built (with its policies and
    # its escalation job) in bot/app.py; the channel gives only its two adapters.
    open_staff_inbox: Callable[[StaffChat, PeopleChannel], StaffInbox]
