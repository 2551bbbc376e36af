"""Receipts that do not flood the chat: one full receipt per request, then reactions."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.telegram.conftest import Person, TelegramApp


async def writing_to_the_team(person_factory) -> Person:
    person = person_factory(language_code="en")
    await person.send("/start")
    await person.press("English")
    await person.press("Ask the team")
    await person.send("Hello")
    await person.choose("send:yes")  # their first message waits for their agreement
    assert person.last.text.startswith("Thank you. Your message has reached the team.")
    return person


async def test_follow_ups_get_a_reaction_not_the_receipt_again(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = await writing_to_the_team(person_factory)
    sent_before = len(person.messages)

    for number in range(10):
        await person.send(f"Message {number}")

    assert person.messages[sent_before:] == []
    reactions = fake.calls("setMessageReaction")
    assert len(reactions) == 10
    assert all(call.ok for call in reactions)
    for call in reactions:
        assert fake.reactions_on(person.id, call.params["message_id"]) == ["✍"]


async def test_where_no_reaction_can_be_set_a_short_line_says_it_arrived(
    telegram: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = await writing_to_the_team(person_factory)
    await person.send("A question")
    fake.fail_next("setMessageReaction", code=400, description="Bad Request: REACTION_INVALID")

    await person.send("And one more thing")

    assert person.last.text == "✓ Sent to the team."
    assert person.last.buttons == []


async def call(fake: FakeBotApi, method: str, **params: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.url}/bot{TOKEN}/{method}", json=params) as response,
    ):
        return await response.json()


@pytest.mark.parametrize(
    ("reaction", "error"),
    [
        ([{"type": "emoji", "emoji": "✍"}, {"type": "emoji", "emoji": "👍"}], "REACTIONS_TOO_MANY"),
        ([{"type": "emoji", "emoji": "🐍"}], "REACTION_INVALID"),
        ([{"type": "custom_emoji", "custom_emoji_id": "1"}], "REACTION_INVALID"),
    ],
)
async def test_the_fake_keeps_telegrams_rules_for_reactions(
    fake: FakeBotApi, reaction: list[dict[str, str]], error: str
) -> None:
    user = fake.add_user(2002, "Amal")
    fake.message_update(user, "hello")

    answer = await call(fake, "setMessageReaction", chat_id=2002, message_id=1, reaction=reaction)

    assert answer == {"ok": False, "error_code": 400, "description": f"Bad Request: {error}"}
    assert fake.reactions_on(2002, 1) == []


async def test_the_fake_refuses_a_reaction_on_a_message_that_does_not_exist(
    fake: FakeBotApi,
) -> None:
    fake.add_user(2003, "Amal")
    fake.message_update({"id": 2003, "first_name": "Amal"}, "hello")

    noted = [{"type": "emoji", "emoji": "✍"}]

    answer = await call(fake, "setMessageReaction", chat_id=2003, message_id=99, reaction=noted)
    good = await call(fake, "setMessageReaction", chat_id=2003, message_id=1, reaction=noted)

    assert answer["description"] == "Bad Request: message not found"
    assert good == {"ok": True, "result": True}
    assert fake.reactions_on(2003, 1) == ["✍"]
