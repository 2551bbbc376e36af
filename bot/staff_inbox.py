"""The staff inbox: requests go to the staff chat, staff answers go back to the person.

Platform-neutral rules; the staff chat and the people's channels are reached through the
two protocols below (Telegram implements both in `bot/channels/telegram/staff.py`).

- Every person gets one topic in the staff chat, named with a short id, their first name,
  language and the request's state; it opens with a card.
- What a person sends was stored and queued (outbox) in the same transaction; the outbox
  (`bot/outbox_worker.py`) delivers it in order with the senders registered here. When the
  staff chat cannot be reached it waits and goes out later.
- A staff message in a topic is relayed to that person only, as written, with the bot's
  own short wording around it in the person's language; `#note` stays internal; `/close`
  and `/reopen` change the request's state.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.outbox_worker import DeliveryFailed, DeliveryRefused, OutboxWorker, PersonGone
from dialogs.commands import parse_command
from dialogs.core import Choice, standing_action
from dialogs.flows.ask_the_team import REQUEST_DONE, REQUEST_DONE_LABEL
from dialogs.i18n import DEFAULT_LOCALE, N_, Catalogs, language_name
from dialogs.office_hours import WEEKDAYS, OfficeHours
from storage.attachments import Attachment
from storage.clock import Clock
from storage.db import DbSessions
from storage.roles import Action, Role, may
from storage.services import Services
from storage.services.outbox import PERSON_QUEUES, STAFF_QUEUES, OutboxItem, staff_queue
from storage.services.staff_topics import Recipient
from storage.uow import UnitOfWork

Sender = Callable[[OutboxItem], Awaitable[None]]

log = logging.getLogger(__name__)

# TRANSLATORS: the state of a request, shown in the staff chat
STATE_LABELS = {"open": N_("open"), "answered": N_("answered"), "closed": N_("closed")}
CLOSE_PRESS = "staff:close"
# TRANSLATORS: above a person's message in the staff chat that may have arrived before
POSSIBLE_REPEAT = N_("↻ Possibly sent before (the bot stopped while sending it):")
ANSWER = N_("Answer from the team:")
# TRANSLATORS: before a staff answer that may have reached the person before
ANSWER_AGAIN = N_("Answer from the team (you may have got it already):")
STAFF_CHAT_REFUSES = N_(
    "The staff chat does not take the bot's messages (removed, or no right to write?). "
    "This notice did not arrive there: {notice}"
)
_STATE_COMMANDS = {"close": Action.CLOSE, "reopen": Action.REOPEN}
UNDELIVERABLE = N_("A message of request #{person} could not be delivered: {reason}")
DELIVERED = N_("✓ delivered")
NOT_DELIVERED = N_("Not delivered: this person has blocked the bot.")
TOPIC_MADE_ANEW = N_("The earlier topic of this person was deleted; the request goes on here.")
# TRANSLATORS: the name of the staff chat's topic for the system's own notices
NOTICES = N_("Notices")


class TopicGone(DeliveryRefused):
    """The person's topic was deleted in the staff chat."""


@dataclass(frozen=True)
class StaffMessage:
    """A message a staff member wrote in the staff chat."""

    chat_id: int
    thread_id: int | None
    kind: str
    text: str | None
    source_ref: str
    reply_to: int | None = None
    event_key: str | None = None  # the platform's id of it, so that a redelivery is no repeat
    role: Role = Role.STAFF  # who wrote it, as the channel found out (storage/roles.py)


class StaffChat(Protocol):
    chat_id: int
    forum: bool  # with topics; else one message per request, answered by replying to it

    async def open_topic(self, name: str) -> int: ...
    async def rename_topic(self, thread_id: int, name: str) -> None: ...
    async def say(
        self,
        thread_id: int | None,
        text: str,
        *,
        reply_to: str | None = None,
        buttons: tuple[tuple[str, str], ...] = (),
    ) -> int: ...
    async def forward(
        self, thread_id: int | None, payload: dict[str, Any], *, heading: str | None = None
    ) -> list[int]: ...
    async def send_file(self, thread_id: int | None, file: Attachment) -> int: ...


class PeopleChannel(Protocol):
    async def relay(
        self,
        recipient: Recipient,
        *,
        wording: str,
        payload: dict[str, Any],
        actions: tuple[Choice, ...] = (),
    ) -> None:
        """A staff message to the person under `wording`, with `actions` as buttons."""
        ...

    async def tell_admin(self, admin_id: int, text: str) -> None: ...


class StaffInbox:
    def __init__(
        self,
        *,
        sessions: DbSessions,
        staff: StaffChat,
        people: PeopleChannel,
        catalogs: Catalogs,
        clock: Clock,
        outbox: OutboxWorker,
        hours: OfficeHours = WEEKDAYS,
        escalate_after: int = 1,
        admin_ids: tuple[int, ...] = (),
    ) -> None:
        self._sessions = sessions
        self._admin_ids = admin_ids
        self._hours = hours
        self._escalate_after = escalate_after
        self._staff = staff
        self._people = people
        self._catalogs = catalogs
        self._clock = clock
        self._staff_t = catalogs.translator(DEFAULT_LOCALE)
        self._outbox = outbox
        outbox.deliver("forward", self._in_topic(self._forward), queues=STAFF_QUEUES)
        outbox.deliver("topic_note", self._in_topic(self._topic_note), queues=STAFF_QUEUES)
        outbox.deliver("notice", self._notice, queues=STAFF_QUEUES)
        outbox.deliver("relay", self._relay, queues=PERSON_QUEUES)
        outbox.report_given_up(self._report_given_up)

    @asynccontextmanager
    async def _work(self) -> AsyncIterator[Services]:
        """One transaction and the services bound to it."""
        async with UnitOfWork(self._sessions) as uow:
            yield Services.bind(uow.session)

    @property
    def chat_id(self) -> int:
        return self._staff.chat_id

    async def follow_moves(self) -> int:
        """Use the staff chat's newest id (a group that became a supergroup has a new one)."""
        async with self._work() as services:
            current = await services.staff_topics.current_chat(chat_id=self._staff.chat_id)
        if current != self._staff.chat_id:
            log.warning("staff chat moved from=%s to=%s", self._staff.chat_id, current)
            self._staff.chat_id = current
        return current

    async def moved(self, *, from_chat_id: int, to_chat_id: int) -> None:
        """The staff group became a supergroup: follow it, and say so there."""
        async with self._work() as services:
            await services.staff_topics.record_move(
                from_chat_id=from_chat_id, to_chat_id=to_chat_id, now=self._clock.now()
            )
        await self.follow_moves()
        text = self._staff_t.gettext(
            "This group now has the id {chat_id}. I use it from now on; please also set "
            "STAFF_CHAT_ID={chat_id}."
        ).format(chat_id=to_chat_id)
        await self._staff.say(None, text)

    # ------------------------------------------------------------ outbox

    def _in_topic(self, send: Sender) -> Sender:
        """A topic staff deleted is made anew, once, and the message goes there."""

        async def sending(item: OutboxItem) -> None:
            try:
                await send(item)
            except TopicGone:
                if item.person_id is None:
                    raise
                log.warning("staff topic deleted, opening a new one person=%s", item.person_id)
                await self._forget_topic(item.person_id)
                await send(item)

        return sending

    async def _report_given_up(
        self, item: OutboxItem, error: DeliveryRefused, services: Services
    ) -> None:
        """Staff learn of a message that can never be delivered, in the notices topic."""
        if item.kind != "notice":
            await services.outbox.notify_staff(
                text=UNDELIVERABLE,
                params={"person": item.person_id or "?", "reason": str(error)[:300]},
                person_id=item.person_id,
                now=self._clock.now(),
            )

    async def _tell_admins(self, notice: OutboxItem) -> None:
        """The staff chat refuses even notices: the admins learn it in their private chats."""
        text = self._staff_t.gettext(STAFF_CHAT_REFUSES).format(
            notice=self._staff_t.gettext(notice.payload.get("text", "?")).format(
                **notice.payload.get("params", {})
            )
        )
        for admin_id in self._admin_ids:
            try:
                await self._people.tell_admin(admin_id, text)
            except (DeliveryFailed, DeliveryRefused, PersonGone):
                log.exception("an admin could not be told either admin=%s", admin_id)

    async def _forget_topic(self, person_id: int) -> None:
        """The person's topic was deleted: the next message opens a new one, and a note
        there (queued behind the message, so that a restart cannot lose it) says why."""
        async with self._work() as services:
            await services.staff_topics.unbind(person_id=person_id, chat_id=self._staff.chat_id)
            await services.outbox.add(
                queue=staff_queue(person_id),
                kind="topic_note",
                person_id=person_id,
                ticket_id=None,
                payload={"text": TOPIC_MADE_ANEW},
                now=self._clock.now(),
            )

    async def _topic_note(self, item: OutboxItem) -> None:
        """A note of the program in the person's topic, in reply to a message if it names
        one; with a state, the topic's name says it. Without topics, a note that replies to
        nothing is headed like the person's messages."""
        text = self._staff_t.gettext(item.payload["text"])
        reply_to = item.payload.get("reply_to")
        state = item.payload.get("state")
        if not self._staff.forum:
            if reply_to is None:
                async with self._work() as services:
                    recipient = await services.staff_topics.recipient(person_id=item.person_id)
                text = f"{self._topic_name(recipient, state or 'open')}\n{text}"
            await self._staff.say(None, text, reply_to=reply_to)
            return
        thread_id = await self._topic_for(item.person_id, item.payload)
        await self._staff.say(thread_id, text, reply_to=reply_to)
        if state is not None:
            await self._rename(item.person_id, thread_id, state)

    async def _notice(self, item: OutboxItem) -> None:
        """System notices go to a topic of their own (or, without topics, to the chat); when
        the staff chat refuses even them, only the log and the admins can say it."""
        text = self._staff_t.gettext(item.payload["text"]).format(**item.payload["params"])
        try:
            thread_id = await self._notices_topic() if self._staff.forum else None
            await self._staff.say(thread_id, text)
            if "file" in item.payload:
                file = Attachment.from_payload(item.payload["file"])
                await self._staff.send_file(thread_id, file)
        except DeliveryRefused:
            # No traceback: the reason is known.
            log.error("staff chat refused a notice, given up item=%s", item.id)  # noqa: TRY400
            await self._tell_admins(item)
            raise

    async def _notices_topic(self) -> int:
        async with self._work() as services:
            thread_id = await services.staff_topics.notices_thread(chat_id=self._staff.chat_id)
        if thread_id is None:
            thread_id = await self._staff.open_topic(self._staff_t.gettext(NOTICES))
            async with self._work() as services:
                await services.staff_topics.bind_notices(
                    chat_id=self._staff.chat_id, thread_id=thread_id, now=self._clock.now()
                )
        return thread_id

    async def _forward(self, item: OutboxItem) -> None:
        if not self._staff.forum:
            await self._forward_without_topics(item)
            return
        thread_id = await self._topic_for(item.person_id, item.payload)
        heading = self._staff_t.gettext(POSSIBLE_REPEAT) if item.possible_repeat else None
        await self._staff.forward(thread_id, item.payload, heading=heading)
        if item.payload.get("reopened"):
            await self._rename(item.person_id, thread_id, "open")

    async def _forward_without_topics(self, item: OutboxItem) -> None:
        """One message per request, headed like a topic name; replies to it are answers."""
        async with self._work() as services:
            recipient = await services.staff_topics.recipient(person_id=item.person_id)
        heading = self._topic_name(recipient, "open")
        if item.possible_repeat:
            heading = f"{heading}\n{self._staff_t.gettext(POSSIBLE_REPEAT)}"
        sent = await self._staff.forward(None, item.payload, heading=heading)
        async with self._work() as services:
            topics = services.staff_topics
            for message_id in sent:
                await topics.link_message(
                    chat_id=self._staff.chat_id,
                    message_id=message_id,
                    person_id=item.person_id,
                    now=self._clock.now(),
                )

    async def _topic_for(self, person_id: int, payload: dict[str, Any]) -> int:
        async with self._work() as services:
            thread_id = await services.staff_topics.thread_of(
                person_id=person_id, chat_id=self._staff.chat_id
            )
            recipient = await services.staff_topics.recipient(person_id=person_id)
        if thread_id is not None:
            return thread_id
        thread_id = await self._staff.open_topic(self._topic_name(recipient, "open"))
        async with self._work() as services:
            await services.staff_topics.bind(
                person_id=person_id,
                chat_id=self._staff.chat_id,
                thread_id=thread_id,
                now=self._clock.now(),
            )
        close = (self._staff_t.gettext("Close request"), CLOSE_PRESS)
        await self._staff.say(thread_id, self._card(recipient, payload), buttons=(close,))
        log.info("staff topic opened person=%s thread=%s", person_id, thread_id)
        return thread_id

    async def _relay(self, item: OutboxItem) -> None:
        """A staff message to the person; then "✓ delivered" (or why not) for staff."""
        async with self._work() as services:
            recipient = await services.staff_topics.recipient(person_id=item.person_id)
        t = self._catalogs.translator(recipient.locale)
        wording = t.gettext(ANSWER_AGAIN if item.possible_repeat else ANSWER)
        # The person can say the answer settled it, whenever they read it.
        done = standing_action(
            f"{REQUEST_DONE}:{item.ticket_id}", label=t.gettext(REQUEST_DONE_LABEL)
        )
        try:
            await self._people.relay(
                recipient,
                wording=wording,
                payload=item.payload,
                actions=(done,) if item.ticket_id is not None else (),
            )
        except PersonGone:
            note: dict[str, Any] = {"text": NOT_DELIVERED}
        else:
            note = {"text": DELIVERED, "state": "answered"}
        # What staff read of it goes through their queue, in the transaction that settles
        # the answer: a failing staff chat cannot make the person get the answer twice.
        async with self._work() as services:
            if item.ticket_id is not None and "state" in note:
                await services.tickets.set_status(
                    ticket_id=item.ticket_id, status="answered", now=self._clock.now()
                )
            await services.outbox.add(
                queue=staff_queue(item.person_id),
                kind="topic_note",
                person_id=item.person_id,
                ticket_id=None,
                payload={**note, "reply_to": item.payload.get("source_ref")},
                now=self._clock.now(),
            )

    async def escalate_overdue(self) -> int:
        """Raise requests again in the staff chat that waited too many working days."""
        now = self._clock.now()
        async with self._work() as services:
            waiting = await services.tickets.waiting()
        raised = 0
        for ticket_id, person_id, since in waiting:
            if self._hours.working_days_later(since, self._escalate_after) > now:
                continue
            async with self._work() as services:
                if not await services.tickets.claim_escalation(ticket_id=ticket_id, now=now):
                    continue  # another instance raises it
            reminded = False
            try:
                reminded = await self._remind(person_id)
            finally:  # not said (or failing): the next round tries again
                if not reminded:
                    async with self._work() as services:
                        await services.tickets.release_escalation(ticket_id=ticket_id)
            if not reminded:
                continue  # not forwarded yet: the outbox will bring it first
            log.info("request raised again ticket=%s", ticket_id)
            raised += 1
        return raised

    async def _remind(self, person_id: int) -> bool:
        """Say in the person's topic, or without topics in reply to their latest message
        (so that replying to the reminder answers them), that the request waits."""
        text = self._staff_t.ngettext(
            "⏰ This request has waited more than {days} working day for an answer.",
            "⏰ This request has waited more than {days} working days for an answer.",
            self._escalate_after,
        ).format(days=self._escalate_after)
        chat_id = self._staff.chat_id
        async with self._work() as services:
            topics = services.staff_topics
            if self._staff.forum:
                thread_id = await topics.thread_of(person_id=person_id, chat_id=chat_id)
                latest = None
            else:
                thread_id = None
                latest = await topics.last_message_of(person_id=person_id, chat_id=chat_id)
        if thread_id is not None:
            await self._staff.say(thread_id, text)
            return True
        if latest is None:
            return False
        sent = await self._staff.say(None, text, reply_to=f"{chat_id}/{latest}")
        async with self._work() as services:
            await services.staff_topics.link_message(
                chat_id=chat_id, message_id=sent, person_id=person_id, now=self._clock.now()
            )
        return True

    # ------------------------------------------------------------ staff messages

    async def handle_staff_message(self, message: StaffMessage) -> None:
        """A staff member wrote in the staff chat: a note, a command or an answer. In a topic
        it concerns the topic's person; without topics, the person whose message it replies
        to; anything else is the team's own conversation."""
        person_id = await self._person_addressed(message)
        if person_id is None:
            return
        command = parse_command(message.text or "")
        internal = (message.text or "").lstrip().lower().startswith("#note")
        action = _STATE_COMMANDS.get(command.name if command else "") or (
            Action.NOTE if internal else Action.ANSWER
        )
        if not may(message.role, action):
            log.info("not allowed role=%s action=%s person=%s", message.role, action, person_id)
            return
        if command is not None:  # addressed to the bot, never an answer to the person
            if action in {Action.CLOSE, Action.REOPEN}:
                await self._change_state(person_id, message, str(action))
            else:
                log.info("staff command not relayed person=%s command=%s", person_id, command.name)
            return
        async with self._work() as services:
            if message.event_key and not await services.processed_events.claim(
                channel="staff", event_key=message.event_key, now=self._clock.now()
            ):
                log.info("staff message delivered again, handled once person=%s", person_id)
                return
            stored = await services.tickets.add_from_staff(
                person_id=person_id,
                kind=message.kind,
                text=message.text,
                source_ref=message.source_ref,
                internal=internal,
                now=self._clock.now(),
            )
        log.info("staff message stored person=%s internal=%s", person_id, internal)
        if stored is not None and not internal:
            await self._outbox.deliver_due()

    async def handle_staff_press(
        self, *, chat_id: int, thread_id: int | None, data: str, role: Role
    ) -> None:
        """A press on a button the inbox put into the staff chat (the card's "Close")."""
        if data != CLOSE_PRESS or thread_id is None or not may(role, Action.CLOSE):
            return
        message = StaffMessage(chat_id, thread_id, "text", None, source_ref=f"{chat_id}/0")
        person_id = await self._person_addressed(message)
        if person_id is not None:
            await self._change_state(person_id, message, "close")

    async def _person_addressed(self, message: StaffMessage) -> int | None:
        async with self._work() as services:
            topics = services.staff_topics
            if message.thread_id is not None:
                return await topics.person_of(chat_id=message.chat_id, thread_id=message.thread_id)
            if message.reply_to is not None:
                return await topics.person_of_message(
                    chat_id=message.chat_id, message_id=message.reply_to
                )
        return None

    async def _change_state(self, person_id: int, message: StaffMessage, action: str) -> None:
        status = "closed" if action == "close" else "open"
        async with self._work() as services:
            tickets = services.tickets
            ticket = await tickets.latest(person_id=person_id)
            if ticket is not None:
                await tickets.set_status(ticket_id=ticket.id, status=status, now=self._clock.now())
        if message.thread_id is not None:
            await self._rename(person_id, message.thread_id, status)
        else:
            state = self._staff_t.gettext(STATE_LABELS[status])
            await self._staff.say(None, f"✓ {state}", reply_to=message.source_ref)
        log.info("request %s person=%s", status, person_id)

    # ------------------------------------------------------------ wording for staff

    async def _rename(self, person_id: int, thread_id: int, status: str) -> None:
        async with self._work() as services:
            recipient = await services.staff_topics.recipient(person_id=person_id)
        await self._staff.rename_topic(thread_id, self._topic_name(recipient, status))

    def _topic_name(self, recipient: Recipient, status: str) -> str:
        name = (recipient.first_name or "?")[:32]
        state = self._staff_t.gettext(STATE_LABELS[status])
        return f"#{recipient.person_id} {name} · {recipient.locale or '?'} · {state}"

    def _card(self, recipient: Recipient, payload: dict[str, Any]) -> str:
        t = self._staff_t
        locale = str(payload.get("locale") or recipient.locale or DEFAULT_LOCALE)
        now = self._clock.now()
        return "\n".join(
            (
                t.gettext("New request #{person}").format(person=recipient.person_id),
                t.gettext("Language: {language}").format(language=language_name(locale)),
                t.gettext("Channel: {channel}").format(channel=recipient.channel),
                t.gettext("Since: {when}").format(when=t.format_moment(now, now=now)),
                t.gettext("Write here to answer. #note … stays internal; /close ends the request."),
            )
        )
