"""Who may do what, in one place: every service that does one of these asks `may` first.

- a person: anyone writing to the bot;
- staff: a member of the staff chat (the channel checks membership and remembers it a while);
- an admin: listed in ADMIN_IDS; may do all that staff may, and more.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    PERSON = "person"
    STAFF = "staff"
    ADMIN = "admin"


class Action(StrEnum):
    ANSWER = "answer"  # write to a person through their topic
    NOTE = "note"  # #note: internal, stays in the staff chat
    CLOSE = "close"
    REOPEN = "reopen"
    CHAT_ID = "chatid"  # learn a group's id for STAFF_CHAT_ID
    ADD_TO_GROUP = "add_to_group"  # add the bot to a group it then stays in
    PUBLISH_SLOTS = "publish_slots"
    PUBLISH_EVENTS = "publish_events"
    EXPORT = "export"
    BROADCAST = "broadcast"


_STAFF = frozenset({Role.STAFF, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})

MAY: dict[Action, frozenset[Role]] = {
    Action.ANSWER: _STAFF,
    Action.NOTE: _STAFF,
    Action.CLOSE: _STAFF,
    Action.REOPEN: _STAFF,
    Action.CHAT_ID: _ADMIN,
    Action.ADD_TO_GROUP: _ADMIN,
    Action.PUBLISH_SLOTS: _ADMIN,
    Action.PUBLISH_EVENTS: _ADMIN,
    Action.EXPORT: _ADMIN,
    Action.BROADCAST: _ADMIN,
}


def may(role: Role, action: Action) -> bool:
    return role in MAY[action]
