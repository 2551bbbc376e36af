"""The world behind the fake Bot API: people, chats, messages, files, topics, and updates."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_html import utf16_len
from tests.fakes.bot_api_spec import ApiError, bad_request, load_spec

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "erstkontakt_test_bot"
BOT_NAME = "Erstkontakt Test"

CONTENT_KINDS = (
    "text",
    "photo",
    "document",
    "voice",
    "video",
    "audio",
    "animation",
    "sticker",
    "video_note",
    "contact",
    "location",
    "venue",
    "poll",
    "dice",
)
MEDIA_KINDS = ("photo", "document", "voice", "video", "audio", "animation", "sticker", "video_note")
COPIED_KEYS = (
    *CONTENT_KINDS,
    "entities",
    "caption",
    "caption_entities",
    "has_media_spoiler",
    "show_caption_above_media",
)
BOT_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
ADMIN_STATUSES = ("creator", "administrator")


def now() -> int:
    return int(time.time())


@dataclass
class ApiCall:
    """One request the fake answered, with its decoded parameters."""

    method: str
    params: dict[str, Any]
    ok: bool
    error_code: int | None
    description: str | None
    result: Any


@dataclass
class SentMessage:
    """A message the bot sent, in its current state."""

    chat_id: int
    message_id: int
    text: str | None
    html: str | None
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    message_thread_id: int | None
    kind: str
    caption: str | None
    edited: bool
    deleted: bool
    entities: list[dict[str, Any]] = field(default_factory=list)
    copied_from: tuple[int, int] | None = None
    reply_to_message_id: int | None = None

    @property
    def buttons(self) -> list[list[tuple[str, str | None]]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [[(button["text"], button.get("callback_data")) for button in row] for row in rows]

    @property
    def callback_data(self) -> list[str]:
        return [data for row in self.buttons for _, data in row if data is not None]


@dataclass
class MessageRecord:
    message: dict[str, Any]
    by_bot: bool
    kind: str
    html: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False
    copied_from: tuple[int, int] | None = None
    service: bool = False
    reactions: list[str] = field(default_factory=list)

    def sent(self) -> SentMessage:
        message = self.message
        return SentMessage(
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            text=message.get("text"),
            html=self.html,
            parse_mode=self.parse_mode,
            reply_markup=copy.deepcopy(self.reply_markup),
            message_thread_id=message.get("message_thread_id"),
            kind=self.kind,
            caption=message.get("caption"),
            edited=self.edited,
            deleted=self.deleted,
            entities=copy.deepcopy(message.get("entities") or message.get("caption_entities", [])),
            copied_from=self.copied_from,
            reply_to_message_id=(message.get("reply_to_message") or {}).get("message_id"),
        )


@dataclass
class ChatState:
    chat: dict[str, Any]
    bot_status: str = "member"
    can_manage_topics: bool = False
    members: dict[int, str] = field(default_factory=dict)
    messages: dict[int, MessageRecord] = field(default_factory=dict)
    last_message_id: int = 0
    blocked: bool = False

    @property
    def id(self) -> int:
        return int(self.chat["id"])

    @property
    def private(self) -> bool:
        return self.chat["type"] == "private"

    @property
    def bot_is_admin(self) -> bool:
        return self.private or self.bot_status in ADMIN_STATUSES

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id


@dataclass
class FileRecord:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    filename: str = "file"
    mime_type: str = "application/octet-stream"


def message_kind(message: dict[str, Any]) -> str:
    return next((kind for kind in CONTENT_KINDS if kind in message), "service")


def shallow_reply(message: dict[str, Any]) -> dict[str, Any]:
    reply = copy.deepcopy(message)
    reply.pop("reply_to_message", None)
    return reply


def required_defaults(type_name: str) -> dict[str, Any]:
    """False for every required Boolean field of a type, 0 for every required Integer."""
    fields = load_spec().types[type_name].fields.values()
    defaults = {"Boolean": False, "Integer": 0}
    return {
        item.name: defaults[item.types[0]]
        for item in fields
        if item.required and item.types[0] in defaults
    }


def member_object(user: dict[str, Any], status: str, **rights: bool) -> dict[str, Any]:
    """A valid ChatMember of the subtype for `status`, its required flags False unless given."""
    subtype = load_spec().subtype_with("ChatMember", "status", status)
    member = required_defaults(subtype.name)
    member.update(status=status, user=copy.deepcopy(user), **rights)
    return member


class World:
    """State of the fake Telegram, and the helpers tests use to shape and observe it."""

    def __init__(self, token: str) -> None:
        self.token = token
        prefix = token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else BOT_ID
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": BOT_NAME,
            "username": BOT_USERNAME,
        }
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.files: dict[str, FileRecord] = {}
        self.topics: dict[int, dict[int, dict[str, Any]]] = {}
        self.topics_by_bot: set[tuple[int, int]] = set()
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: dict[str, Any] | None = None
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self.on_message: Callable[[SentMessage], None] | None = None
        self._last_update_id = 0
        self._last_file = 0

    # shaping the world

    def add_user(
        self,
        user_id: int,
        first_name: str = "Alice",
        *,
        language_code: str | None = None,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A person who has started the bot: a User, and the private chat with id == user_id."""
        if user_id <= 0:
            raise ValueError("user ids are positive")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
        if username is not None:
            user["username"] = chat["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self.users[user_id] = user
        state = self.chats.setdefault(user_id, ChatState(chat))
        state.chat = chat
        return copy.deepcopy(user)

    def add_group(
        self,
        chat_id: int,
        title: str = "Staff",
        *,
        forum: bool = False,
        bot_status: str = "administrator",
        can_manage_topics: bool = True,
    ) -> dict[str, Any]:
        """A group the bot is in; forum groups are supergroups with topics."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        if bot_status not in BOT_STATUSES:
            raise ValueError(f"bot_status must be one of {BOT_STATUSES}")
        supergroup = forum or str(chat_id).startswith("-100")
        chat: dict[str, Any] = {
            "id": chat_id,
            "type": "supergroup" if supergroup else "group",
            "title": title,
        }
        if forum:
            chat["is_forum"] = True
            self.topics.setdefault(chat_id, {})
        self.chats[chat_id] = ChatState(chat, bot_status, can_manage_topics, last_message_id=1)
        return copy.deepcopy(chat)

    def add_member(self, chat_id: int, user: dict[str, Any], *, status: str = "member") -> None:
        state = self._group(chat_id)
        self.users.setdefault(user["id"], copy.deepcopy(user))
        state.members[user["id"]] = status

    def add_topic(self, chat_id: int, name: str, *, closed: bool = False) -> int:
        """A topic someone else created in a forum group; returns its message_thread_id."""
        state = self._group(chat_id)
        if chat_id not in self.topics:
            raise ValueError(f"chat {chat_id} is not a forum")
        thread_id = state.next_message_id()
        self.topics[chat_id][thread_id] = {"name": name, "icon_color": 7322096, "closed": closed}
        return thread_id

    def block(self, chat_id: int) -> None:
        self._private(chat_id).blocked = True

    def unblock(self, chat_id: int) -> None:
        self._private(chat_id).blocked = False

    def add_file(
        self, content: bytes, *, file_path: str = "", filename: str = "file", mime_type: str = ""
    ) -> str:
        """Register a downloadable file; returns its file_id (getFile gives its file_path)."""
        self._last_file += 1
        number = self._last_file
        record = FileRecord(
            file_id=f"FILE{number:06d}-{BOT_USERNAME}",
            file_unique_id=f"U{number:06d}",
            content=content,
            file_path=file_path or f"documents/file_{number}.bin",
            filename=filename,
            mime_type=mime_type or "application/octet-stream",
        )
        self.files[record.file_id] = record
        return record.file_id

    # observing

    def sent_to(self, chat_id: int, *, thread_id: int | None = None) -> list[SentMessage]:
        """The bot's messages in that chat, in order, as they are now (after edits/deletes)."""
        state = self.chats.get(chat_id)
        if state is None:
            return []
        return [
            record.sent()
            for record in state.messages.values()
            if record.by_bot
            and not record.service
            and (thread_id is None or record.message.get("message_thread_id") == thread_id)
        ]

    def reactions_on(self, chat_id: int, message_id: int) -> list[str]:
        """The bot's reactions on a message (a person's message, usually)."""
        return list(self.chats[chat_id].messages[message_id].reactions)

    def unanswered_callback_queries(self) -> list[str]:
        return [key for key, answer in self.callback_answers.items() if answer is None]

    # making updates

    def next_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        self._last_update_id += 1
        return {"update_id": self._last_update_id, kind: payload}

    def message_update(
        self,
        user: dict[str, Any],
        text: str | None = None,
        *,
        chat_id: int | None = None,
        thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An update with a message by `user` (not pushed: see `push_update`)."""
        sender = self._known_user(user)
        state = self._chat_of(sender, chat_id)
        content: dict[str, Any] = {}
        if text is not None:
            content["text"] = text
            if text.startswith("/"):
                command = text.split(maxsplit=1)[0]
                content["entities"] = [
                    {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
                ]
        content.update(self._complete_media(copy.deepcopy(extra or {})))
        if thread_id is not None:
            self._open_topic(state, thread_id, for_bot=False)
        reply = self._reply_target(state, reply_to_message_id) if reply_to_message_id else None
        record = self.store_message(
            state, sender=sender, content=content, thread_id=thread_id, reply_to=reply
        )
        return self.next_update("message", copy.deepcopy(record.message))

    def callback_update(
        self, user: dict[str, Any], message: SentMessage, data: str
    ) -> dict[str, Any]:
        """A press on a button of a bot message; the query stays unanswered until answered."""
        state = self.chats[message.chat_id]
        record = state.messages.get(message.message_id)
        if record is None or record.deleted:
            raise ValueError(f"message {message.message_id} in {message.chat_id} is gone")
        if data not in record.sent().callback_data:
            raise ValueError(f"message {message.message_id} has no button with data {data!r}")
        query_id = str(4_000_000_000 + self._last_update_id + 1)
        self.callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": self._known_user(user),
            "message": copy.deepcopy(record.message),
            "chat_instance": str(abs(message.chat_id) * 7 + 1),
            "data": data,
        }
        return self.next_update("callback_query", query)

    def my_chat_member_update(
        self, user: dict[str, Any], *, old: str, new: str, chat_id: int | None = None
    ) -> dict[str, Any]:
        """The bot's membership changed (e.g. the person blocked it: member -> kicked)."""
        sender = self._known_user(user)
        state = self._chat_of(sender, chat_id)
        if state.private:
            state.blocked = new == "kicked"
        else:
            state.bot_status = new
        payload = {
            "chat": copy.deepcopy(state.chat),
            "from": sender,
            "date": now(),
            "old_chat_member": member_object(self.bot_user, old),
            "new_chat_member": member_object(self.bot_user, new),
        }
        return self.next_update("my_chat_member", payload)

    # helpers for the methods

    def store_message(
        self,
        state: ChatState,
        *,
        sender: dict[str, Any],
        content: dict[str, Any],
        thread_id: int | None = None,
        reply_to: dict[str, Any] | None = None,
        **details: Any,
    ) -> MessageRecord:
        message: dict[str, Any] = {
            "message_id": state.next_message_id(),
            "from": copy.deepcopy(sender),
            "chat": copy.deepcopy(state.chat),
            "date": now(),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        by_bot = sender["id"] == self.bot_user["id"]
        details.setdefault("kind", message_kind(message))
        record = MessageRecord(message, by_bot, **details)
        state.messages[message["message_id"]] = record
        return record

    def chat(self, chat_id: int | str) -> ChatState:
        """A chat the bot can see: 400 chat not found otherwise."""
        state = self.chats.get(chat_id) if isinstance(chat_id, int) else self._by_username(chat_id)
        if state is None:
            if chat_id in self.users:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            raise bad_request("chat not found")
        return state

    def writable_chat(self, chat_id: int | str) -> ChatState:
        """A chat the bot may write to: 403 when blocked, kicked, or not a member."""
        state = self.chat(chat_id)
        if state.private and state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        kind = "supergroup chat" if state.chat["type"] == "supergroup" else "group chat"
        if state.bot_status == "kicked":
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        if state.bot_status == "left":
            raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
        return state

    def open_topic(self, state: ChatState, thread_id: int | None) -> int | None:
        if thread_id is not None:
            self._open_topic(state, thread_id, for_bot=True)
        return thread_id

    def _open_topic(self, state: ChatState, thread_id: int, *, for_bot: bool) -> None:
        topic = self.topics.get(state.id, {}).get(thread_id)
        if topic is None:
            if for_bot:
                raise bad_request("message thread not found")
            raise ValueError(f"chat {state.id} has no topic {thread_id}")
        if topic["closed"] and for_bot:
            raise bad_request("TOPIC_CLOSED")

    def _reply_target(self, state: ChatState, message_id: int) -> dict[str, Any]:
        record = state.messages.get(message_id)
        if record is None or record.deleted:
            raise ValueError(f"chat {state.id} has no message {message_id}")
        return shallow_reply(record.message)

    def _known_user(self, user: dict[str, Any]) -> dict[str, Any]:
        stored = self.users.setdefault(user["id"], copy.deepcopy(user))
        return copy.deepcopy(stored)

    def _chat_of(self, user: dict[str, Any], chat_id: int | None) -> ChatState:
        if chat_id is None or chat_id == user["id"]:
            if user["id"] not in self.chats:
                self.add_user(
                    user["id"],
                    user["first_name"],
                    language_code=user.get("language_code"),
                    username=user.get("username"),
                )
            return self.chats[user["id"]]
        state = self._group(chat_id)
        state.members.setdefault(user["id"], "member")
        return state

    def _group(self, chat_id: int) -> ChatState:
        state = self.chats.get(chat_id)
        if state is None or state.private:
            raise ValueError(f"no group {chat_id}; use add_group first")
        return state

    def _private(self, chat_id: int) -> ChatState:
        state = self.chats.get(chat_id)
        if state is None or not state.private:
            raise ValueError(f"no private chat {chat_id}; use add_user first")
        return state

    def _by_username(self, name: str) -> ChatState | None:
        wanted = name.removeprefix("@").lower()
        for state in self.chats.values():
            if not state.private and str(state.chat.get("username", "")).lower() == wanted:
                return state
        return None

    def _complete_media(self, extra: dict[str, Any]) -> dict[str, Any]:
        for kind in MEDIA_KINDS:
            if kind not in extra:
                continue
            items = extra[kind] if isinstance(extra[kind], list) else [extra[kind]]
            type_name = {"photo": "PhotoSize"}.get(kind, kind.title().replace("_", ""))
            for item in items:
                self._complete_file(item, type_name)
        return extra

    def _complete_file(self, item: dict[str, Any], type_name: str) -> None:
        file_id = item.setdefault("file_id", self.add_file(b""))
        if file_id not in self.files:
            self.files[file_id] = FileRecord(
                file_id, f"U-{file_id}", b"", f"{type_name.lower()}s/{file_id}"
            )
        item.setdefault("file_unique_id", self.files[file_id].file_unique_id)
        spec = load_spec().types[type_name]
        for name, field_spec in spec.fields.items():
            if field_spec.required and name not in item:
                item[name] = {"Integer": 1, "Boolean": False}.get(field_spec.types[0], "regular")
