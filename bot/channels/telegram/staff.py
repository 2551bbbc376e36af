"""The staff chat on Telegram: a forum supergroup with one topic per person; and the way
staff answers reach a person's private chat. Implements the protocols of bot.staff_inbox."""

from __future__ import annotations

import html
from typing import Any

from aiogram.exceptions import TelegramAPIError, TelegramNetworkError, TelegramRetryAfter
from aiogram.methods import CopyMessage, CreateForumTopic, EditForumTopic, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, ReplyParameters

from bot.channels.telegram.delivery import Delivery, Unreachable, is_permanent
from bot.channels.telegram.pace import UNASKED_WAITS_AT_MOST, Busy
from bot.channels.telegram.render import document, keyboard_for, private_messages, split_html
from bot.channels.telegram.updates import parse_message_ref
from bot.outbox_worker import DeliveryFailed, DeliveryRefused, PersonGone
from bot.staff_inbox import TopicGone
from dialogs.core import Choice, Reply
from dialogs.text import Paragraph, RichText, Span
from storage.attachments import Attachment
from storage.services.staff_topics import Recipient

TOPIC_NAME_LIMIT = 128  # https://core.telegram.org/bots/api#createforumtopic
# The pace gave no turn soon (answers to people go first): nothing was sent, try again soon.
WAIT_FOR_A_TURN = DeliveryFailed("no turn yet", retry_after=UNASKED_WAITS_AT_MOST, busy=True)


def _keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=data)] for label, data in buttons
        ]
    )


class TelegramStaffChat:
    def __init__(self, delivery: Delivery, chat_id: int) -> None:
        self._delivery = delivery
        self.chat_id = chat_id
        self.forum = True  # until the check at start says otherwise
        # The name each topic was last given, so that a rename to the same name is not sent
        # (Telegram refuses it). Only a saving: after a restart, the refusal is still expected.
        self._topic_names: dict[int, str] = {}

    async def open_topic(self, name: str) -> int:
        name = name[:TOPIC_NAME_LIMIT]
        topic = await self._call(CreateForumTopic(chat_id=self.chat_id, name=name))
        self._topic_names[topic.message_thread_id] = name
        return topic.message_thread_id

    async def rename_topic(self, thread_id: int, name: str) -> None:
        name = name[:TOPIC_NAME_LIMIT]
        if self._topic_names.get(thread_id) == name:
            return
        try:
            await self._call(
                EditForumTopic(chat_id=self.chat_id, message_thread_id=thread_id, name=name)
            )
        except DeliveryRefused as error:
            if "TOPIC_NOT_MODIFIED" not in str(error):
                raise
        self._topic_names[thread_id] = name

    async def say(
        self,
        thread_id: int | None,
        text: str,
        *,
        reply_to: str | None = None,
        buttons: tuple[tuple[str, str], ...] = (),
    ) -> int:
        reply = None
        if reply_to is not None:
            reply = ReplyParameters(
                message_id=parse_message_ref(reply_to)[1], allow_sending_without_reply=True
            )
        sent = await self._call(
            SendMessage(
                chat_id=self.chat_id,
                message_thread_id=thread_id,
                text=html.escape(text, quote=False),
                parse_mode="HTML",
                reply_parameters=reply,
                reply_markup=_keyboard(buttons),
            )
        )
        return sent.message_id

    async def forward(
        self, thread_id: int | None, payload: dict[str, Any], *, heading: str | None = None
    ) -> list[int]:
        """The person's message as they sent it: text as text, media copied; `heading`
        (without topics) says whose it is. Returns the ids of the messages sent."""
        source = payload.get("source_ref")
        if payload["kind"] == "text" or source is None:
            text = payload.get("text") or f"({payload['kind']})"
            return [await self.say(thread_id, f"{heading}\n\n{text}" if heading else text)]
        sent = [await self.say(thread_id, heading)] if heading else []
        from_chat, message_id = parse_message_ref(source)
        copied = await self._call(
            CopyMessage(
                chat_id=self.chat_id,
                message_thread_id=thread_id,
                from_chat_id=from_chat,
                message_id=message_id,
            )
        )
        return [*sent, copied.message_id]

    async def send_file(self, thread_id: int | None, file: Attachment) -> int:
        sent = await self._call(document(self.chat_id, file, thread_id=thread_id))
        return sent.message_id

    async def _call(self, method: Any) -> Any:
        try:
            return await self._delivery.call(method)
        except Unreachable as error:
            raise DeliveryRefused("the bot may not write in the staff chat") from error
        except Busy as error:
            raise WAIT_FOR_A_TURN from error
        except TelegramAPIError as error:
            raise refusal(error) from error


def refusal(error: TelegramAPIError) -> Exception:
    """The inbox's name for a failed call: worth trying again later, refused for good, or
    refused because the person's topic is gone."""
    if isinstance(error, TelegramRetryAfter):
        return DeliveryFailed("flood limit", retry_after=error.retry_after)
    if isinstance(error, TelegramNetworkError):  # it may have been sent before the line broke
        return DeliveryFailed("network", outcome_unknown=True)
    if not is_permanent(error):
        return DeliveryFailed(type(error).__name__)
    if "message thread not found" in error.message:
        return TopicGone(error.message)
    return DeliveryRefused(error.message)


class TelegramPeople:
    """Into a person's private chat: staff answers, with the bot's wording before them, and
    the program's own messages (text, standing-action buttons, a file)."""

    def __init__(self, delivery: Delivery) -> None:
        self._delivery = delivery

    async def send(self, recipient: Recipient, reply: Reply) -> None:
        if recipient.channel != "telegram":
            raise PersonGone(recipient.channel)
        chat_id = int(recipient.external_id)
        try:
            for method in private_messages(chat_id, reply):
                await self._send(method, chat_id)
        except Unreachable as error:
            raise PersonGone("the person blocked the bot") from error

    async def relay(
        self,
        recipient: Recipient,
        *,
        wording: str,
        payload: dict[str, Any],
        actions: tuple[Choice, ...] = (),
    ) -> None:
        if recipient.channel != "telegram":
            raise PersonGone(recipient.channel)
        chat_id = int(recipient.external_id)
        heading = RichText((Paragraph((Span(wording, "bold"),)),))
        keyboard = keyboard_for(actions, None) if actions else None
        try:
            if payload["kind"] == "text" or not payload.get("source_ref"):
                # Split as every reply is: a 4,096-character answer fits no more with the
                # heading before it.
                *first, last = split_html(heading + RichText.plain(payload.get("text") or ""))
                for chunk in first:
                    await self._send(
                        SendMessage(chat_id=chat_id, text=chunk, parse_mode="HTML"), chat_id
                    )
                await self._send(
                    SendMessage(
                        chat_id=chat_id, text=last, parse_mode="HTML", reply_markup=keyboard
                    ),
                    chat_id,
                )
                return
            [title] = split_html(heading)
            await self._send(SendMessage(chat_id=chat_id, text=title, parse_mode="HTML"), chat_id)
            from_chat, message_id = parse_message_ref(payload["source_ref"])
            await self._send(
                CopyMessage(
                    chat_id=chat_id,
                    from_chat_id=from_chat,
                    message_id=message_id,
                    reply_markup=keyboard,
                ),
                chat_id,
            )
        except Unreachable as error:
            raise PersonGone(recipient.person_id) from error

    async def tell_admin(self, admin_id: int, text: str) -> None:
        """A message of the system to an admin's private chat."""
        try:
            await self._send(
                SendMessage(
                    chat_id=admin_id, text=html.escape(text, quote=False), parse_mode="HTML"
                ),
                admin_id,
            )
        except Unreachable as error:
            raise PersonGone(admin_id) from error

    async def _send(self, method: Any, chat_id: int) -> None:
        try:
            await self._delivery.call(method, chat_id=chat_id)
        except Busy as error:
            raise WAIT_FOR_A_TURN from error
        except TelegramAPIError as error:
            raise refusal(error) from error
