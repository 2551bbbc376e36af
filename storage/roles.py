"""Who may do what, in one place: every service that does one of these asks `may` (or
`require`) first, whatever the caller showed or hid.

- a person: anyone writing to the bot;
- staff: a member of the staff chat (the channel checks membership and remembers it a while);
- an admin: listed in ADMIN_IDS; may do all that staff may, and more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
    ADMIN_MENU = "admin_menu"  # see the admin menu and its commands
    CANCEL_BOOKING = "cancel_booking"  # anyone's, with a reason


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
    Action.ADMIN_MENU: _ADMIN,
    Action.CANCEL_BOOKING: _STAFF,
}


def may(role: Role, action: Action) -> bool:
    return role in MAY[action]


class NotAllowed(PermissionError):
    """The role may not do the action; nothing was done."""


def require(role: Role, action: Action) -> None:
    """Raise `NotAllowed` unless `role` may do `action`."""
    if not may(role, action):
        raise NotAllowed(f"{role} may not {action}")


@dataclass(frozen=True)
class Admins:
    """The admins' identities, as (channel, id on it): Telegram user ids from ADMIN_IDS."""

    identities: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def on_telegram(cls, user_ids: Iterable[int]) -> Admins:
        return cls(frozenset(("telegram", str(user_id)) for user_id in user_ids))

    def role_of(self, channel: str, external_id: str) -> Role:
        """An admin's role, or a person's: staff are known only in the staff chat."""
        return Role.ADMIN if (channel, external_id) in self.identities else Role.PERSON
