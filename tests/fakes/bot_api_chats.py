"""Bot API methods about the bot itself, chats, members, files, and forum topics."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, TypeVar

from tests.fakes.bot_api_html import utf16_len
from tests.fakes.bot_api_spec import ApiError, bad_request, load_spec
from tests.fakes.bot_api_world import (
    ADMIN_STATUSES,
    ChatState,
    World,
    member_object,
    required_defaults,
)

Handler = Callable[[Any, dict[str, Any]], Any]
HandlerT = TypeVar("HandlerT", bound=Handler)
HANDLERS: dict[str, Handler] = {}

_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE = re.compile(r"[a-z]{2}")
ADMIN_RIGHTS = {
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_change_info": True,
    "can_invite_users": True,
    "can_pin_messages": True,
}


def api_method(name: str) -> Callable[[HandlerT], HandlerT]:
    """Register a handler for the Bot API method `name`."""

    def register(handler: HandlerT) -> HandlerT:
        HANDLERS[name] = handler
        return handler

    return register


def _icon_colors() -> frozenset[int]:
    description = load_spec().methods["createforumtopic"].fields["icon_color"].description
    return frozenset(int(value) for value in re.findall(r"(\d+) \(0x", description))


class ChatMethods(World):
    """Handlers that do not send messages; each takes decoded parameters, returns the result."""

    # the bot itself

    @api_method("getMe")
    def get_me(self, p: dict[str, Any]) -> dict[str, Any]:
        flags = {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        known = load_spec().types["User"].fields
        return {**self.bot_user, **{key: value for key, value in flags.items() if key in known}}

    @api_method("setMyCommands")
    def set_my_commands(self, p: dict[str, Any]) -> bool:
        commands = p["commands"]
        if not commands:
            raise bad_request("commands must be non-empty")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            if not _COMMAND.fullmatch(command["command"]):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"]) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(p)] = copy.deepcopy(commands)
        return True

    @api_method("getMyCommands")
    def get_my_commands(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        return copy.deepcopy(self.commands.get(self._commands_key(p), []))

    @api_method("deleteMyCommands")
    def delete_my_commands(self, p: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    # chats and files

    @api_method("getChat")
    def get_chat(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self.chat(p["chat_id"])
        info = copy.deepcopy(state.chat)
        info.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types=required_defaults("AcceptedGiftTypes"),
        )
        return info

    @api_method("getChatMember")
    def get_chat_member(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self.chat(p["chat_id"])
        user_id = p["user_id"]
        if user_id == self.bot_user["id"]:
            return self._bot_member(state)
        user = self.users.get(user_id)
        if user is None or (state.private and user_id != state.id):
            raise bad_request("user not found")
        status = "member" if state.private else state.members.get(user_id, "left")
        rights = ADMIN_RIGHTS if status == "administrator" else {}
        return member_object(user, status, **rights)

    @api_method("getChatAdministrators")
    def get_chat_administrators(self, p: dict[str, Any]) -> list[dict[str, Any]]:
        state = self.chat(p["chat_id"])
        if state.private:
            raise bad_request("there are no administrators in the private chat")
        admins = [
            member_object(
                self.users[user_id], status, **(ADMIN_RIGHTS if status != "creator" else {})
            )
            for user_id, status in state.members.items()
            if status in ADMIN_STATUSES
        ]
        if state.bot_status in ADMIN_STATUSES:
            admins.append(self._bot_member(state))
        return admins

    @api_method("leaveChat")
    def leave_chat(self, p: dict[str, Any]) -> bool:
        state = self.chat(p["chat_id"])
        if state.private:
            raise bad_request("chat member status can't be changed in private chats")
        if state.bot_status in ("left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the supergroup chat")
        state.bot_status = "left"
        return True

    @api_method("getFile")
    def get_file(self, p: dict[str, Any]) -> dict[str, Any]:
        record = self.files.get(p["file_id"])
        if record is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": len(record.content),
            "file_path": record.file_path,
        }

    # forum topics

    @api_method("createForumTopic")
    def create_forum_topic(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self.writable_chat(p["chat_id"])
        if not state.chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        if not (state.bot_status in ADMIN_STATUSES and state.can_manage_topics):
            raise bad_request("not enough rights to create a topic")
        self._check_topic_name(p["name"])
        color = p.get("icon_color", 7322096)
        if color not in _icon_colors():
            raise bad_request("TOPIC_ICON_COLOR_INVALID")
        topic: dict[str, Any] = {"name": p["name"], "icon_color": color}
        if "icon_custom_emoji_id" in p:
            topic["icon_custom_emoji_id"] = p["icon_custom_emoji_id"]
        content = {"forum_topic_created": copy.deepcopy(topic)}
        record = self.store_message(state, sender=self.bot_user, content=content, service=True)
        thread_id = record.message["message_id"]
        self.topics[state.id][thread_id] = {"name": p["name"], "icon_color": color, "closed": False}
        self.topics_by_bot.add((state.id, thread_id))
        return {"message_thread_id": thread_id, **topic}

    @api_method("editForumTopic")
    def edit_forum_topic(self, p: dict[str, Any]) -> bool:
        topic = self._managed_topic(p)
        if "name" in p:
            self._check_topic_name(p["name"])
        if p.get("name", topic["name"]) == topic["name"] and "icon_custom_emoji_id" not in p:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic["name"] = p.get("name", topic["name"])
        return True

    @api_method("closeForumTopic")
    def close_forum_topic(self, p: dict[str, Any]) -> bool:
        return self._set_topic_closed(p, closed=True)

    @api_method("reopenForumTopic")
    def reopen_forum_topic(self, p: dict[str, Any]) -> bool:
        return self._set_topic_closed(p, closed=False)

    @api_method("deleteForumTopic")
    def delete_forum_topic(self, p: dict[str, Any]) -> bool:
        self._managed_topic(p)
        state = self.chat(p["chat_id"])
        del self.topics[state.id][p["message_thread_id"]]
        for record in state.messages.values():
            if record.message.get("message_thread_id") == p["message_thread_id"]:
                record.deleted = True
        return True

    # helpers

    def _bot_member(self, state: ChatState) -> dict[str, Any]:
        if state.private:
            return member_object(self.bot_user, "member")
        rights: dict[str, bool] = {}
        if state.bot_status == "administrator":
            rights = {**ADMIN_RIGHTS, "can_manage_topics": state.can_manage_topics}
        return member_object(self.bot_user, state.bot_status, **rights)

    def _commands_key(self, p: dict[str, Any]) -> tuple[str, str]:
        language = p.get("language_code", "")
        if language and not _LANGUAGE.fullmatch(language):
            raise bad_request("invalid language code")
        scope = p.get("scope", {"type": "default"})
        if "chat_id" in scope:
            self.chat(scope["chat_id"])
            return f"{scope['type']}:{scope['chat_id']}", language
        return scope["type"], language

    def _check_topic_name(self, name: str) -> None:
        if not 1 <= utf16_len(name) <= 128:
            raise bad_request("TOPIC_NAME_INVALID")

    def _managed_topic(self, p: dict[str, Any]) -> dict[str, Any]:
        state = self.writable_chat(p["chat_id"])
        if not state.chat.get("is_forum"):
            raise bad_request("the chat is not a forum")
        topic = self.topics[state.id].get(p["message_thread_id"])
        if topic is None:
            raise bad_request("message thread not found")
        by_bot = (state.id, p["message_thread_id"]) in self.topics_by_bot
        allowed = state.bot_status in ADMIN_STATUSES and state.can_manage_topics
        if not (allowed or by_bot):
            raise bad_request("not enough rights to manage the topic")
        return topic

    def _set_topic_closed(self, p: dict[str, Any], *, closed: bool) -> bool:
        topic = self._managed_topic(p)
        if topic["closed"] == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic["closed"] = closed
        return True
