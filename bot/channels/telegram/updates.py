"""aiogram's Message and CallbackQuery as the core's incoming events. The only module that
reads Telegram updates."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, get_args

from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update, User
from aiogram.types.update import UpdateTypeLookupError

from bot.channels.telegram import callback
from dialogs.commands import parse_command
from dialogs.core import Chosen, ContactShared, Incoming, MediaKind, MediaReceived, PersonRef, Text

log = logging.getLogger(__name__)

CHANNEL = "telegram"
# Each kind is also the name of the Message field that carries it.
_MEDIA: tuple[MediaKind, ...] = tuple(k for k in get_args(MediaKind) if k != "other")


async def skip_unknown_types(
    handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
    update: TelegramObject,
    data: dict[str, Any],
) -> Any:
    """An update of a type newer than aiogram is skipped with its id logged. (aiogram
    itself would warn with the whole update, a person's text included.)"""
    assert isinstance(update, Update)  # noqa: S101 - registered for updates only
    try:
        update.event_type  # noqa: B018 - raises for a type aiogram does not know
    except UpdateTypeLookupError:
        log.warning("update of an unknown type skipped update_id=%s", update.update_id)
        return UNHANDLED
    return await handler(update, data)


def chat_of(update: Update) -> int | None:
    """The chat an update belongs to (a press: the chat of its message), so that the
    updates of one chat are handled in order."""
    try:
        event = update.event
    except UpdateTypeLookupError:
        return None
    chat = getattr(event, "chat", None) or getattr(getattr(event, "message", None), "chat", None)
    if chat is not None:
        return int(chat.id)
    user = getattr(event, "from_user", None)
    return int(user.id) if user is not None else None


def person_of(user: User) -> PersonRef:
    return PersonRef(
        channel=CHANNEL,
        external_id=str(user.id),
        locale_hint=user.language_code,
        first_name=user.first_name,
    )


def message_ref(message: Message) -> str:
    """`<chat id>/<message id>`: enough to copy the message elsewhere later."""
    return f"{message.chat.id}/{message.message_id}"


def parse_message_ref(ref: str) -> tuple[int, int]:
    """The chat id and message id that `message_ref` wrote into a ref."""
    chat_id, _, message_id = ref.partition("/")
    return int(chat_id), int(message_id)


def incoming_message(message: Message) -> Incoming:
    if message.text is not None:
        command = parse_command(message.text) if message.text.startswith("/") else None
        return command or Text(message.text, message_ref=message_ref(message))
    if message.contact is not None:
        sender = message.from_user.id if message.from_user else None
        own = message.contact.user_id is not None and message.contact.user_id == sender
        return ContactShared(phone_number=message.contact.phone_number, own=own)
    for kind in _MEDIA:
        content = getattr(message, kind)
        if content:
            return MediaReceived(
                kind=kind,
                file_ref=_file_id(content),
                caption=message.caption,
                message_ref=message_ref(message),
            )
    return MediaReceived(kind="other", caption=message.caption)


def incoming_press(query: CallbackQuery) -> Chosen:
    return callback.decode(query.data)


def _file_id(content: object) -> str | None:
    if isinstance(content, list):  # photos come in several sizes; the largest is last
        content = content[-1] if content else None
    return getattr(content, "file_id", None)
