"""A form in Telegram: the phone question offers Telegram's contact button, and a shared
contact answers it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.forms import CONFIRMED, engine_with_form


@pytest.fixture
async def form_bot(
    webhook_settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[TelegramChannel]:
    app = App.build(
        webhook_settings, clock=clock, compiled_dir=compiled_catalogs, scheduler_tick=None
    )
    channel = TelegramChannel(
        engine=engine_with_form(app), settings=webhook_settings, workers=app.workers
    )
    await channel.start()
    yield channel
    await channel.stop()
    await app.close()


async def test_the_phone_question_offers_the_contact_button_and_takes_a_shared_contact(
    form_bot: TelegramChannel, fake: FakeBotApi, person_factory
) -> None:
    CONFIRMED.clear()
    person = person_factory(language_code="ar", first_name="Amal")
    await person.send("/start")
    await person.press("العربية")
    await person.press("Form")
    await person.send("أمل")
    await person.send("amal@example.org")

    question, offer = person.messages[-2:]
    assert "Your phone number?" in question.text
    [[button]] = fake.calls("sendMessage")[-1].params["reply_markup"]["keyboard"]
    assert button["request_contact"] is True
    assert offer.text != "You can also share the phone number of this Telegram account:"
    someone_else = {"phone_number": "4917000000000", "first_name": "Sara", "user_id": 5}
    await person.send(None, contact=someone_else)
    assert "How shall we reach you?" not in person.last.text
    own = {"phone_number": "4915755520787", "first_name": "Amal", "user_id": person.id}
    await person.send(None, contact=own)

    assert "How shall we reach you?" in person.last.text
    await person.choose("opt:1")
    await person.choose("opt:0")
    await person.choose("form:done")
    await person.choose("form:skip")
    await person.choose("form:confirm")
    assert CONFIRMED[0]["phone"] == "+4915755520787"
