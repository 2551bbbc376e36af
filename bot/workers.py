"""What runs beside every channel: timed jobs, the outbox, messages to people. Built once
in `bot/app.py`; a channel adds what only it can do (Telegram: the staff chat)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.outbox_worker import OutboxWorker
from bot.person_messages import PersonMessages
from bot.scheduler import Scheduler


@dataclass(frozen=True)
class Workers:
    scheduler: Scheduler
    outbox: OutboxWorker
    people: PersonMessages
