"""Groups on Telegram: the staff chat, where requests arrive and staff answer, and every
other group, which is ignored but for /chatid from an admin (and left when someone other
than an admin added the bot). The inbox's rules live in bot.staff_inbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.methods import (
    AnswerCallbackQuery,
    GetChat,
    GetChatMember,
    LeaveChat,
    SendMessage,
)
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.channels.telegram.delivery import Delivery, Unreachable
from bot.channels.telegram.pace import Pace
from bot.channels.telegram.staff import TelegramPeople, TelegramStaffChat
from bot.channels.telegram.updates import incoming_message, message_ref
from bot.config import Settings
from bot.staff_inbox import StaffInbox, StaffMessage
from bot.workers import Workers
from dialogs.core import MediaReceived
from dialogs.engine import DialogEngine
from dialogs.i18n import DEFAULT_LOCALE
from storage.roles import Action, Role, may

log = logging.getLogger(__name__)

MEMBERSHIP_REMEMBERED = timedelta(minutes=10)
OUTBOX_CALL_SECONDS = 5  # Telegram answers within a second when it is well


class GroupChats:
    def __init__(
        self,
        *,
        bot: Bot,
        pace: Pace,
        engine: DialogEngine,
        settings: Settings,
        workers: Workers,
        on_blocked: Callable[[int], Awaitable[None]],
    ) -> None:
        self._bot = bot
        self._engine = engine
        self._settings = settings
        self._delivery = Delivery(bot, on_blocked=on_blocked, pace=pace)
        self._staff_chat: TelegramStaffChat | None = None
        self.inbox: StaffInbox | None = None
        # The outbox retries on its own schedule, as long as Telegram asks, and knows when a
        # try may have arrived: each of its calls is tried once.
        self.quick = Delivery(
            bot,
            on_blocked=on_blocked,
            attempts=1,
            timeout=OUTBOX_CALL_SECONDS,
            pace=pace,
            unasked=True,
        )
        if settings.staff_chat_id is not None:
            self._staff_chat = TelegramStaffChat(self.quick, settings.staff_chat_id)
            self.inbox = workers.open_staff_inbox(self._staff_chat, TelegramPeople(self.quick))
        self._members: dict[int, tuple[bool, datetime]] = {}  # user id: (member, checked at)

    def router(self) -> Router:
        """Handlers for group chats; include it before the private chats' router."""
        router = Router(name="groups")
        if self.inbox is not None:
            router.message.register(self._on_staff_chat_moved, F.migrate_to_chat_id)
            router.message.register(self._on_staff_message, self._in_staff_chat)
            router.callback_query.register(self._on_staff_press, self._press_in_staff_chat)
        in_a_group = F.chat.type != "private"
        router.message.register(self._on_chatid, in_a_group, F.text.startswith("/chatid"))
        router.my_chat_member.register(self._on_added_to_group, in_a_group)
        return router

    async def start(self) -> None:
        """Follow the staff chat where it moved, and check what the bot may do there."""
        if self.inbox is None:
            return
        await self.inbox.follow_moves()
        await self._check_staff_chat()

    async def _check_staff_chat(self) -> None:
        """Say clearly at start what the staff chat lacks; requests are kept meanwhile."""
        assert self.inbox is not None and self._staff_chat is not None  # noqa: S101, PT018
        chat_id = self.inbox.chat_id
        try:
            chat = await self._delivery.call(GetChat(chat_id=chat_id))
            me = await self._delivery.call(GetChatMember(chat_id=chat_id, user_id=self._bot.id))
        except (TelegramAPIError, Unreachable) as error:
            log.warning(
                "STAFF_CHAT_ID %s cannot be reached (%s): is the bot a member?",
                chat_id,
                type(error).__name__,
            )
            return
        self._staff_chat.forum = bool(chat.is_forum)
        if not chat.is_forum:
            log.warning(
                "the staff chat %s has no topics: one message per request, answered by "
                "replying to it (turn on topics for one topic per person)",
                chat_id,
            )
        if chat.is_forum and not getattr(me, "can_manage_topics", False):
            log.error(
                "the bot may not manage topics in the staff chat %s: make it an admin "
                "with 'Manage topics'",
                chat_id,
            )
        log.info("staff chat checked chat=%s forum=%s", chat_id, chat.is_forum)

    # ------------------------------------------------------------ the staff chat

    def _in_staff_chat(self, message: Message) -> bool:
        return self.inbox is not None and message.chat.id == self.inbox.chat_id

    def _press_in_staff_chat(self, query: CallbackQuery) -> bool:
        return isinstance(query.message, Message) and self._in_staff_chat(query.message)

    async def _on_staff_chat_moved(self, message: Message) -> None:
        if self.inbox and self._in_staff_chat(message) and message.migrate_to_chat_id:
            await self.inbox.moved(
                from_chat_id=message.chat.id, to_chat_id=message.migrate_to_chat_id
            )

    async def _role_of(self, user_id: int) -> Role:
        """An admin (ADMIN_IDS), staff (a member of the staff chat: asked of Telegram, and
        remembered a while), or else just a person."""
        if user_id in self._settings.admin_ids:
            return Role.ADMIN
        if self._staff_chat is None:
            return Role.PERSON
        now = self._engine.clock.now()
        known = self._members.get(user_id)
        if known is None or now - known[1] > MEMBERSHIP_REMEMBERED:
            member = await self._delivery.call(
                GetChatMember(chat_id=self._staff_chat.chat_id, user_id=user_id)
            )
            belongs = member.status in {"creator", "administrator", "member"} or bool(
                getattr(member, "is_member", False)
            )
            known = self._members[user_id] = (belongs, now)
        return Role.STAFF if known[0] else Role.PERSON

    async def _on_staff_message(self, message: Message, event_update: Update) -> None:
        if self.inbox is None or message.from_user is None or message.from_user.is_bot:
            return
        event = incoming_message(message)
        await self.inbox.handle_staff_message(
            StaffMessage(
                chat_id=message.chat.id,
                thread_id=message.message_thread_id if message.is_topic_message else None,
                kind=event.kind if isinstance(event, MediaReceived) else "text",
                text=message.text or message.caption,
                source_ref=message_ref(message),
                reply_to=message.reply_to_message.message_id if message.reply_to_message else None,
                event_key=f"telegram:update:{event_update.update_id}",
                role=await self._role_of(message.from_user.id),
            )
        )

    async def _on_staff_press(self, query: CallbackQuery) -> None:
        try:
            await self._delivery.call(AnswerCallbackQuery(callback_query_id=query.id))
        except TelegramBadRequest:
            log.info("staff press could not be answered")
        message = query.message
        if self.inbox is None or not isinstance(message, Message):
            return
        await self.inbox.handle_staff_press(
            chat_id=message.chat.id,
            thread_id=message.message_thread_id if message.is_topic_message else None,
            data=query.data or "",
            role=await self._role_of(query.from_user.id),
        )

    # ------------------------------------------------------------ every other group

    async def _on_chatid(self, message: Message) -> None:
        """/chatid from an admin: the group's id, for STAFF_CHAT_ID."""
        if message.from_user is None or not may(
            await self._role_of(message.from_user.id), Action.CHAT_ID
        ):
            return
        german = self._engine.catalogs.translator(DEFAULT_LOCALE)
        text = german.gettext("This chat's id: {chat_id}").format(chat_id=message.chat.id)
        await self._delivery.call(SendMessage(chat_id=message.chat.id, text=text))
        log.info("chat id told to an admin chat=%s", message.chat.id)

    async def _on_added_to_group(self, update: ChatMemberUpdated) -> None:
        """Leave any group the bot was added to by someone who is not an admin."""
        added = update.new_chat_member.status in {"member", "administrator"}
        if not added or may(await self._role_of(update.from_user.id), Action.ADD_TO_GROUP):
            return
        if self.inbox is not None and update.chat.id == self.inbox.chat_id:
            return
        await self._delivery.call(LeaveChat(chat_id=update.chat.id))
        log.warning("left a group a non-admin added the bot to chat=%s", update.chat.id)
