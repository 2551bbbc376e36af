"""Messages of the program to a person, on whatever channel they live: a reminder, an
offer, a calendar file. Any service queues one with `services.outbox.tell_person`; here
it is put into the person's language and handed to their channel.

Its buttons are standing actions (`dialogs/standing_actions.py`): they work whenever
pressed, checked again then. A channel that is not running here (the console chat, while
only Telegram runs) leaves the message waiting; one that cannot reach the person (blocked)
says so, and the message is reported as undelivered.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.outbox_worker import NotServedHere, OutboxWorker
from dialogs.core import Reply, standing_action
from dialogs.engine import for_reader
from dialogs.i18n import Catalogs
from dialogs.text import RichText
from storage.attachments import Attachment
from storage.db import DbSessions
from storage.services import Services
from storage.services.outbox import PERSON_QUEUES, OutboxItem
from storage.services.staff_topics import Recipient
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


class PersonChannel(Protocol):
    async def send(self, recipient: Recipient, reply: Reply) -> None:
        """Show `reply` to the person; PersonGone when they cannot be reached any more,
        DeliveryFailed when not now, NotServedHere when they are not on this one."""
        ...


class PersonMessages:
    def __init__(self, *, sessions: DbSessions, catalogs: Catalogs, outbox: OutboxWorker):
        self._sessions = sessions
        self._catalogs = catalogs
        self._channels: dict[str, PersonChannel] = {}
        outbox.deliver("message", self.send, queues=PERSON_QUEUES)

    def reach(self, name: str, channel: PersonChannel) -> None:
        """People who live on the channel `name` are reached through `channel`."""
        self._channels[name] = channel

    async def send(self, item: OutboxItem) -> None:
        assert item.person_id is not None  # noqa: S101 - tell_person always names one
        async with UnitOfWork(self._sessions) as uow:
            recipient = await Services.bind(uow.session).staff_topics.recipient(
                person_id=item.person_id
            )
        channel = self._channels.get(recipient.channel)
        if channel is None:
            raise NotServedHere(recipient.channel)
        await channel.send(recipient, self.reply_for(recipient, item))
        log.info("message to a person sent item=%s channel=%s", item.id, recipient.channel)

    def reply_for(self, recipient: Recipient, item: OutboxItem) -> Reply:
        """The message as the person reads it, in their language and direction."""
        t = self._catalogs.translator(recipient.locale)
        payload = item.payload
        text = RichText.plain(t.gettext(payload["text"]).format(**payload["params"]))
        actions = tuple(
            standing_action(action, label=t.gettext(label)) for action, label in payload["actions"]
        )
        file = Attachment.from_payload(payload["file"]) if "file" in payload else None
        return for_reader(Reply(text=text, choices=actions, in_place=False, file=file), t)
