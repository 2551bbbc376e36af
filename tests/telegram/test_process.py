"""`erstkontakt run` as its own process, as systemd or docker would start and stop it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tests.fakes.bot_api import TOKEN, FakeBotApi
from tests.telegram.conftest import SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]


async def test_run_answers_and_stops_cleanly_on_sigterm(
    fake: FakeBotApi, database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": fake.url,
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/updates",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": SECRET,
        "PYTHONPATH": str(ROOT),
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake.wait_for_call("setWebhook", timeout=60)
        user = fake.add_user(4242, "Dana", language_code="en")
        assert await fake.post_webhook(fake.message_update(user, "/start")) == 200
        assert "English" in str(fake.sent_to(user["id"])[-1].buttons)

        bot.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(bot.communicate(), timeout=30)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()

    assert bot.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
