"""Who may do what: one table, every action in it."""

from __future__ import annotations

import pytest

from storage.roles import MAY, Action, Role, may


def test_every_action_says_who_may_do_it() -> None:
    assert set(MAY) == set(Action)


@pytest.mark.parametrize("action", [Action.ANSWER, Action.NOTE, Action.CLOSE, Action.REOPEN])
def test_staff_and_admins_work_on_requests_people_do_not(action: Action) -> None:
    assert may(Role.STAFF, action)
    assert may(Role.ADMIN, action)
    assert not may(Role.PERSON, action)


@pytest.mark.parametrize(
    "action",
    [
        Action.CHAT_ID,
        Action.PUBLISH_SLOTS,
        Action.PUBLISH_EVENTS,
        Action.EXPORT,
        Action.BROADCAST,
        Action.ADMIN_MENU,
    ],
)
def test_only_admins_set_up_publish_export_and_broadcast(action: Action) -> None:
    assert may(Role.ADMIN, action)
    assert not may(Role.STAFF, action)
    assert not may(Role.PERSON, action)
