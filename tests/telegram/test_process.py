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


async def run_until_stopped(env: dict[str, str], cwd: Path) -> tuple[int, str]:
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(bot.communicate(), timeout=60)
    assert bot.returncode is not None
    return bot.returncode, stderr.decode()


def base_env(folder: Path, **settings: str) -> dict[str, str]:
    """The start-up checks need no particular database: a new SQLite file each."""
    database = f"sqlite:///{folder / 'db.sqlite'}"
    return {**os.environ, "DATABASE_URL": database, "PYTHONPATH": str(ROOT), **settings}


async def test_a_token_telegram_rejects_stops_the_start_with_one_line(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN="123:not-the-token", TELEGRAM_API_BASE=fake.url)

    code, stderr = await run_until_stopped(env, tmp_path)

    assert code == 1
    assert stderr.splitlines()[-1] == (
        "erstkontakt: Telegram does not accept TELEGRAM_BOT_TOKEN: copy it again from @BotFather"
    )
    assert "Traceback" not in stderr
    assert [call.error_code for call in fake.calls()] == [401]


async def test_a_bot_api_out_of_reach_stops_the_start_with_one_line(tmp_path: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=closed)

    code, stderr = await run_until_stopped(env, tmp_path)

    assert code == 1
    assert stderr.splitlines()[-1] == (
        f"erstkontakt: cannot reach the Bot API at {closed} (TelegramNetworkError): "
        "check the network and TELEGRAM_API_BASE"
    )
    assert "Traceback" not in stderr
    assert len(stderr.splitlines()) <= 4


async def test_polling_stops_on_sigterm_without_an_error_line(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = base_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.url)
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    try:
        assert bot.stderr is not None
        before = b""
        while b"telegram ready mode=polling" not in before:
            before += await asyncio.wait_for(bot.stderr.readline(), timeout=60)
        bot.send_signal(signal.SIGTERM)
        _, after = await asyncio.wait_for(bot.communicate(), timeout=30)
        stderr = before + after
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()

    assert bot.returncode == 0, stderr.decode()
    assert " ERROR " not in stderr.decode()
    assert "stopped by signal" in stderr.decode()
