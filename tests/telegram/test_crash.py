"""The bot process killed (SIGKILL) moments after a person's message, then started again:
the message is stored exactly once, by polling and by webhook."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.telegram.conftest import SECRET, Person, free_port, stored_texts

ROOT = Path(__file__).resolve().parents[2]
KILLED_AFTER_MS = (0, 10, 40)


class BotProcess:
    """`erstkontakt run` as systemd would run it, killed and started again at will."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env, self.folder = env, folder
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.folder,
            stderr=(self.folder / "bot.log").open("ab"),
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=30)


def database(folder: Path) -> str:
    return f"sqlite:///{folder / 'db.sqlite'}"


def settings_for(mode: str, folder: Path, fake: FakeBotApi) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database(folder),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": fake.url,
        "PYTHONPATH": str(ROOT),
    }
    if mode == "webhook":
        port = free_port()
        env |= {
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/updates",
            "WEBHOOK_PORT": str(port),
            "WEBHOOK_SECRET": SECRET,
        }
    return env


async def handed_out(fake: FakeBotApi, update: dict[str, Any], mode: str) -> None:
    """Wait until the bot has the update: a getUpdates returned it, or the webhook post
    has begun (the fake posts at once to a bot that is up)."""
    if mode == "webhook":
        return
    async with asyncio.timeout(30):
        while not any(  # noqa: ASYNC110 - the fake's call log has no event to wait on
            item.get("update_id") == update["update_id"]
            for call in fake.calls("getUpdates")
            for item in (call.result or [])
        ):
            await asyncio.sleep(0.001)


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_message_survives_the_bot_being_killed_right_after_it(
    fake: FakeBotApi, tmp_path: Path, mode: str
) -> None:
    bot = BotProcess(settings_for(mode, tmp_path, fake), tmp_path)
    person = Person(fake, fake.add_user(5151, "Mira", language_code="en"))
    await bot.start()
    try:
        fake.push_update(fake.message_update(person.user, "/start"))
        await fake.wait_for_call("sendMessage", timeout=60)
        fake.push_update(fake.callback_update(person.user, person.last, person.data_of("English")))
        await fake.wait_for_call("editMessageText", timeout=30)
        fake.push_update(
            fake.callback_update(person.user, person.last, person.data_of("Ask the team"))
        )
        await fake.wait_for_call("editMessageText", timeout=30, count=2)
        fake.push_update(fake.message_update(person.user, "Hello"))
        await fake.wait_for_call("sendMessage", timeout=30, count=2)
        agree = fake.callback_update(
            person.user, person.last, person.data_of("Yes, send it to the team")
        )
        fake.push_update(agree)
        await fake.wait_for_call("editMessageText", timeout=30, count=3)
        texts = ["Hello", *(f"Question {n}" for n in range(len(KILLED_AFTER_MS)))]

        for text, delay in zip(texts[1:], KILLED_AFTER_MS, strict=True):
            update = fake.message_update(person.user, text)
            fake.push_update(update)
            await handed_out(fake, update, mode)
            await asyncio.sleep(delay / 1000)
            await bot.kill()
            await bot.start()

        async with asyncio.timeout(60):
            while len(await stored_texts(database(tmp_path))) < len(texts):  # noqa: ASYNC110 - another process
                await asyncio.sleep(0.05)
    finally:
        await bot.stop()

    assert await stored_texts(database(tmp_path)) == texts, (tmp_path / "bot.log").read_text()
