"""The real aiogram bot against the fake Bot API server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from storage.db import create_engine
from storage.models import TicketMessage
from tests.fakes.bot_api import TOKEN, FakeBotApi, SentMessage
from tests.fakes.clock import ManualClock

SECRET = "test-secret_42"
# Telegram's limits (and the pauses it asks for) a thousand times faster: the tests move a
# manual clock and would wait for real time otherwise. test_pace.py runs them as they are.
PACE_SCALE = 0.001


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server
        assert server.crashes == [], "the fake Bot API crashed"
        assert server.unanswered_callback_queries() == []


@pytest.fixture
def webhook_settings(database_url: str, fake: FakeBotApi) -> Settings:
    port = free_port()
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=database_url,
        telegram_bot_token=TOKEN,
        telegram_api_base=fake.url,
        webhook_url=f"http://127.0.0.1:{port}/telegram/updates",
        webhook_port=port,
        webhook_secret=SECRET,
        telegram_pace_scale=PACE_SCALE,
    )


class TelegramApp:
    """The program as `erstkontakt run` builds it, in webhook mode; restartable."""

    def __init__(self, settings: Settings, clock: ManualClock, catalogs: Path) -> None:
        self.settings, self.clock, self.catalogs = settings, clock, catalogs
        self.app: App | None = None
        self.channel: TelegramChannel | None = None

    async def start(self) -> TelegramChannel:
        self.app = App.build(
            self.settings, clock=self.clock, compiled_dir=self.catalogs, scheduler_tick=None
        )
        self.channel = TelegramChannel(
            engine=self.app.dialogs,
            settings=self.settings,
            workers=self.app.workers,
        )
        await self.channel.start()
        await self.app.scheduler.start()
        return self.channel

    async def run_due(self) -> int:
        """What the scheduler does in the background: run the jobs due by the clock."""
        assert self.app is not None
        return await self.app.scheduler.run_due()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.scheduler.stop()
        if self.channel is not None:
            await self.channel.stop()
        if self.app is not None:
            await self.app.close()
        self.app = self.channel = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@pytest.fixture
async def telegram(
    webhook_settings: Settings, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[TelegramApp]:
    running = TelegramApp(webhook_settings, clock, compiled_catalogs)
    await running.start()
    yield running
    await running.stop()


class Person:
    """Someone writing to the bot in Telegram; their updates go through the webhook."""

    def __init__(self, fake: FakeBotApi, user: dict[str, Any]) -> None:
        self.fake = fake
        self.user = user
        self.id: int = user["id"]

    async def send(self, text: str | None = None, **extra: Any) -> int:
        return await self.deliver(self.fake.message_update(self.user, text, extra=extra or None))

    async def press(self, label: str) -> int:
        message = self.message_with(label)
        [data] = [d for row in message.buttons for (text, d) in row if text == label]
        return await self.press_data(message, data)

    async def choose(self, choice_id: str) -> int:
        """Press the button that offers `choice_id` (`send:yes`), whatever its label."""
        for message in reversed(self.messages):
            for row in message.buttons:
                for _, data in row:
                    if data is not None and data.endswith(f"|{choice_id}"):
                        return await self.press_data(message, data)
        raise AssertionError(f"no button for {choice_id!r}: {self.labels}")

    def data_of(self, label: str) -> str:
        """The callback data of the button `label` on the bot's last message with it."""
        message = self.message_with(label)
        [data] = [d for row in message.buttons for (text, d) in row if text == label]
        assert data is not None
        return data

    async def press_data(self, message: SentMessage, data: str) -> int:
        return await self.deliver(self.fake.callback_update(self.user, message, data))

    async def deliver(self, update: dict[str, Any]) -> int:
        status = await self.fake.post_webhook(update)
        assert status == 200
        return status

    def message_with(self, label: str) -> SentMessage:
        for message in reversed(self.messages):
            if any(text == label for row in message.buttons for text, _ in row):
                return message
        raise AssertionError(f"no message with a button {label!r}: {self.labels}")

    @property
    def messages(self) -> list[SentMessage]:
        return self.fake.sent_to(self.id)

    @property
    def last(self) -> SentMessage:
        return self.messages[-1]

    @property
    def labels(self) -> list[str]:
        return [text for row in self.last.buttons for text, _ in row]


@pytest.fixture
def person_factory(fake: FakeBotApi):
    def make(user_id: int = 1001, first_name: str = "Olena", **fields: Any) -> Person:
        return Person(fake, fake.add_user(user_id, first_name, **fields))

    return make


async def stored_texts(database_url: str) -> list[str | None]:
    """The texts of every request message, oldest first."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(select(TicketMessage.text).order_by(TicketMessage.id))
            return list(rows.scalars())
    finally:
        await engine.dispose()
