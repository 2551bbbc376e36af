"""One pace for all the bot sends: 60 people writing at once while a job sends to 500
others stay within Telegram's flood limits (the fake server enforces them, five times as
fast), and the people who wrote get their answers first."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings
from storage.services import Services
from storage.uow import UnitOfWork
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.telegram.conftest import Person, TelegramApp

SCALE = 0.2  # a second of Telegram's lasts 200 ms
PEOPLE = 60
OTHERS = 500


async def queue_a_message_to_each(running: TelegramApp, users: list[dict], now: object) -> None:
    assert running.app is not None
    async with UnitOfWork(running.app.sessions) as uow:
        services = Services.bind(uow.session)
        for user in users:
            identity = await services.people.identify(
                channel="telegram",
                external_id=str(user["id"]),
                locale_hint="en",
                first_name=user["first_name"],
                now=now,  # type: ignore[arg-type]
            )
            await services.outbox.tell_person(
                person_id=identity.person_id,
                text="Answer from the team:",
                now=now,  # type: ignore[arg-type]
            )


async def test_people_writing_at_once_and_a_job_sending_to_many_stay_within_the_limits(
    webhook_settings: Settings, fake: FakeBotApi, clock: ManualClock, compiled_catalogs: Path
) -> None:
    limits = fake.enforce_flood_limits(scale=SCALE)
    settings = webhook_settings.model_copy(update={"telegram_pace_scale": SCALE})
    running = TelegramApp(settings, clock, compiled_catalogs)
    await running.start()
    try:
        assert running.app is not None
        others = [fake.add_user(5000 + n, f"Other {n}", language_code="en") for n in range(OTHERS)]
        await queue_a_message_to_each(running, others, clock.now())
        people = [
            Person(fake, fake.add_user(1000 + n, f"Person {n}", language_code="en"))
            for n in range(PEOPLE)
        ]
        sending = asyncio.create_task(running.app.workers.outbox.deliver_due())
        await asyncio.gather(*(person.send("/start") for person in people))
        for _ in range(50):  # what found no turn soon waits 5 s of the clock, then goes
            await sending
            if all(fake.sent_to(user["id"]) for user in others):
                break
            clock.advance(seconds=5)
            sending = asyncio.create_task(running.app.workers.outbox.deliver_due())
    finally:
        await running.stop()

    assert limits.refused == 0
    assert all(len(person.messages) == 1 for person in people)
    assert all(len(fake.sent_to(user["id"])) == 1 for user in others)
    order = [call.params["chat_id"] for call in fake.calls("sendMessage") if call.ok]
    answered = {person.id for person in people}
    last_answer = max(i for i, chat in enumerate(order) if chat in answered)
    sent_before = sum(1 for chat in order[:last_answer] if chat not in answered)
    assert sent_before < OTHERS // 5
