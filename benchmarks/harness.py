"""What the benchmarks of the Telegram bot share: a bot as its own process against the fake
Bot API (by webhook or by polling, pinned to a core or not), simulated people who wait for
each answer, and the figures read off a run (rate, latency, CPU, memory, errors).

The bot under test runs on one core (`taskset -c 0`) and this process, which holds the fake
server and the people, on the other, so that a share between two bots does not depend on
how the kernel shares two cores between three busy parties.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakes.bot_api import ApiCall, FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
SECRET = "benchmark-secret"
STAFF_CHAT = -1001000000001
BOT_CORE, HARNESS_CORE = 0, 1
MODES = ("webhook", "polling")
ANSWERS = frozenset({"sendMessage", "editMessageText", "sendDocument"})


def can_pin() -> bool:
    return len(os.sched_getaffinity(0)) >= 2 and shutil.which("taskset") is not None


@contextmanager
def harness_pinned(pinned: bool) -> Iterator[None]:
    """Run this process (fake server and people) on the harness core while inside."""
    everything = os.sched_getaffinity(0)
    if pinned:
        os.sched_setaffinity(0, {HARNESS_CORE})
    try:
        yield
    finally:
        os.sched_setaffinity(0, everything)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Answers:
    """Tells a person waiting on a polling bot when it has answered in their chat: by a
    call that carries a keyboard, or by any message when `keyboard` is False."""

    def __init__(self, fake: FakeBotApi, *, keyboard: bool) -> None:
        self._waiting: dict[int, asyncio.Future[None]] = {}
        self._keyboard = keyboard
        fake.on_call = self._seen

    def expect(self, chat_id: int) -> asyncio.Future[None]:
        answered = asyncio.get_running_loop().create_future()
        self._waiting[chat_id] = answered
        return answered

    def _seen(self, call: ApiCall) -> None:
        if not call.ok or call.method not in ANSWERS:
            return
        if self._keyboard and "reply_markup" not in call.params:
            return
        waiting = self._waiting.pop(call.params.get("chat_id"), None)  # type: ignore[arg-type]
        if waiting is not None and not waiting.done():
            waiting.set_result(None)


@dataclass
class Recorder:
    """Sends each person's updates and records the time to the bot's answer."""

    mode: str
    answers: Answers | None = None
    latencies: list[float] = field(default_factory=list)
    pacer: Callable[[], Awaitable[None]] | None = None

    async def post(self, fake: FakeBotApi, update: dict[str, Any], chat_id: int) -> None:
        if self.pacer is not None:
            await self.pacer()
        started = time.perf_counter()
        if self.mode == "webhook":
            status = await fake.post_webhook(update)
            if status != 200:
                raise RuntimeError(f"webhook answered {status}")
        else:
            assert self.answers is not None
            answered = self.answers.expect(chat_id)
            fake.push_update(update)
            await asyncio.wait_for(answered, timeout=60)
        self.latencies.append(time.perf_counter() - started)


Script = Callable[[FakeBotApi, dict, Recorder], Awaitable[None]]


@dataclass
class Run:
    updates: int
    seconds: float
    latencies: list[float]
    bot_user: float = 0.0
    bot_system: float = 0.0
    harness_cpu: float = 0.0

    @property
    def rate(self) -> float:
        return self.updates / self.seconds

    @property
    def bot_cpu_ms(self) -> float:
        """The bot's CPU per update, user and system."""
        return (self.bot_user + self.bot_system) / self.updates * 1000

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


class BotProcess:
    """A bot as its own process, configured like Erstkontakt by the environment."""

    def __init__(
        self,
        command: list[str],
        fake: FakeBotApi,
        workdir: Path,
        *,
        mode: str,
        pinned: bool,
        database_url: str | None = None,
        staff_chat: bool = False,
    ) -> None:
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE": fake.url,
            "DATABASE_URL": database_url or f"sqlite:///{workdir / 'bench.sqlite'}",
            "LOG_LEVEL": "WARNING",
            # The fake enforces no flood limits here, and this measures the cost of an update,
            # not Telegram's pace: the bot's pace runs (its cost counts) but waits ~nothing.
            "TELEGRAM_PACE_SCALE": "0.0001",
        }
        if mode == "webhook":
            port = free_port()
            self.env |= {
                "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/updates",
                "WEBHOOK_PORT": str(port),
                "WEBHOOK_SECRET": SECRET,
            }
        if staff_chat:
            fake.add_group(STAFF_CHAT, "Team", forum=True)
            self.env["STAFF_CHAT_ID"] = str(STAFF_CHAT)
        self.command = ["taskset", "-c", str(BOT_CORE), *command] if pinned else command
        self.fake, self.workdir, self.mode = fake, workdir, mode
        self.process: asyncio.subprocess.Process | None = None
        self.ready_after = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        """Start, and wait until the bot receives: its setWebhook, or its first long poll."""
        started = time.perf_counter()
        self.process = await asyncio.create_subprocess_exec(
            *self.command,
            env=self.env,
            cwd=self.workdir,
            stderr=None if os.environ.get("BENCHMARK_BOT_LOG") else asyncio.subprocess.DEVNULL,
        )
        if self.mode == "webhook":
            await self.fake.wait_for_call("setWebhook", timeout=120)
        else:  # its first getUpdates waits; the call is recorded only when it returns
            await self.fake.wait_for_long_poll(timeout=120)
        self.ready_after = time.perf_counter() - started

    async def stop(self) -> float:
        """Stop the bot; its peak memory in MB."""
        memory = peak_memory_mb(self.pid)
        assert self.process is not None
        self.process.terminate()
        await asyncio.wait_for(self.process.wait(), timeout=30)
        return memory


async def load(
    fake: FakeBotApi,
    script: Script,
    recorder: Recorder,
    people: int,
    first_id: int,
    bot: BotProcess,
) -> Run:
    """Let `people` run `script` side by side; the figures of that stretch."""
    users = [fake.add_user(first_id + n, f"P{n}", language_code="en") for n in range(people)]
    user_before, system_before = cpu_seconds(bot.pid)
    harness_before = time.process_time()
    # The harness's own collector pauses would be counted as the bot's latency.
    gc.disable()
    try:
        started = time.perf_counter()
        await asyncio.gather(*(script(fake, user, recorder) for user in users))
        seconds = time.perf_counter() - started
    finally:
        gc.enable()
    user_after, system_after = cpu_seconds(bot.pid)
    return Run(
        len(recorder.latencies),
        seconds,
        recorder.latencies,
        bot_user=user_after - user_before,
        bot_system=system_after - system_before,
        harness_cpu=time.process_time() - harness_before,
    )


def pacer(rate: float) -> Callable[[], Awaitable[None]]:
    """Lets updates go at `rate` per second in total, whoever sends them."""
    start = time.perf_counter()
    sent = 0

    async def wait_turn() -> None:
        nonlocal sent
        due = start + sent / rate
        sent += 1
        await asyncio.sleep(max(0.0, due - time.perf_counter()))

    return wait_turn


def bot_errors(fake: FakeBotApi) -> Counter[str]:
    """The calls the fake refused, by method and reason: none is asked for here, so each is
    the bot's own doing (an edit that changes nothing, a rename to the same name...)."""
    return Counter(f"{call.method}: {call.description}" for call in fake.calls() if not call.ok)
