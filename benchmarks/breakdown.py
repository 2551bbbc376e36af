"""Where a bot's time per update goes: py-spy samples of the running process, each put into
one part (engine, SQL, commits, rendering, aiogram, the HTTP server...), and the engine's
statements and commits per event, counted in this process on a database of its own.

A sample belongs to the innermost frame that names a part; libraries every part uses
(pydantic, json, the standard library) count for the part that called them. Commits are
everything under `UnitOfWork.__aexit__`; reading updates is aiogram building an `Update`
(and, when polling, fetching it).
"""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

PARTS = (
    "reading updates (aiogram)",
    "dispatching (aiogram)",
    "our Telegram channel",
    "engine (dialogs)",
    "SQL statements",
    "commits",
    "rendering",
    "sending calls (aiogram, aiohttp)",
    "HTTP server (aiohttp)",
    "event loop, other",
)
_BY_PATH = (
    (re.compile(r"^(sqlalchemy|sqlite3|asyncpg|aiosqlite|storage)/"), "SQL statements"),
    (re.compile(r"^bot/channels/telegram/render\.py"), "rendering"),
    (re.compile(r"^dialogs/"), "engine (dialogs)"),
    (re.compile(r"^(aiogram/dispatcher|aiogram/filters|magic_filter)/"), "dispatching (aiogram)"),
    (
        re.compile(
            r"^(aiogram/client|aiogram/methods|tenacity|aiolimiter)/|^aiohttp/(client|connector)"
            r"|^bot/channels/telegram/(delivery|session|pace)\.py"
        ),
        "sending calls (aiogram, aiohttp)",
    ),
    (
        re.compile(r"^aiohttp/web|^aiogram/webhook/|^bot/channels/telegram/webhook\.py"),
        "HTTP server (aiohttp)",
    ),
    (re.compile(r"^bot/"), "our Telegram channel"),
)
_READING = {"Polling._fetch", "Dispatcher._listen_updates", "Dispatcher._polling"}
_FRAME = re.compile(r"(.*) \((.*):\d+\)$")


def part_of(frames: list[tuple[str, str]]) -> str:
    """The part one sample belongs to; `frames` as (function, file), outermost first."""
    functions = [function for function, _ in frames]
    if "UnitOfWork.__aexit__" in functions:
        return "commits"
    if _READING.intersection(functions):
        return "reading updates (aiogram)"
    for caller, called in itertools.pairwise(frames):
        if called[0] == "BaseModel.model_validate" and not caller[1].startswith("aiogram/client"):
            return "reading updates (aiogram)"
    for _, path in reversed(frames):
        for pattern, part in _BY_PATH:
            if pattern.search(path):
                return part
    return "event loop, other"


def shares(raw_profile: Path) -> Counter[str]:
    """The share of the main thread's samples in each part (py-spy's raw format)."""
    counts: Counter[str] = Counter()
    for line in raw_profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or "Thread._bootstrap" in stack:  # worker threads wait, idle
            continue
        frames = []
        for frame in stack.split(";"):
            found = _FRAME.match(frame)
            frames.append((found.group(1), found.group(2)) if found else (frame, ""))
        counts[part_of(frames)] += int(count)
    total = sum(counts.values()) or 1
    return Counter({part: counts[part] / total for part in PARTS})


def py_spy() -> str | None:
    """py-spy from this Python's environment, or from PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


async def start_profiler(pid: int, output: Path) -> asyncio.subprocess.Process:
    """py-spy sampling `pid` until interrupted (SIGINT), writing its raw format."""
    program = py_spy()
    if program is None:
        raise FileNotFoundError("py-spy is not installed: make .venv/.installed-stamp")
    spy = await asyncio.create_subprocess_exec(
        program,
        *("record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--nonblocking"),
        *("-o", str(output)),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await asyncio.sleep(0.5)  # let it attach before the load starts
    if spy.returncode is not None:
        assert spy.stderr is not None
        reason = (await spy.stderr.read()).decode(errors="replace").strip()
        raise RuntimeError(f"py-spy could not sample the bot: {reason}")
    return spy


async def engine_statements(events_per_person: int, people: int = 100) -> dict[str, float]:
    """The engine alone, in this process, on a new SQLite file: per event its time and its
    statements (BEGIN not counted) and commits, for people pressing through the benchmark's
    path."""
    from sqlalchemy import event

    from bot.app import App
    from bot.config import Settings
    from dialogs.core import Chosen, Command, PersonRef

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/engine.sqlite", _env_file=None)
        app = App.build(settings, scheduler_tick=None)
        await app.migrate()
        counted = Counter[str]()
        sync_engine = getattr(app.sessions, "engine", None) or app.database.sync_engine

        def traced(sql: str) -> None:
            # SQLite's own trace: it sees statements run straight on the driver too.
            keyword = sql.split(None, 1)[0].upper() if sql.strip() else ""
            counted["commits" if keyword == "COMMIT" else "statements"] += keyword != "BEGIN"

        @event.listens_for(sync_engine, "connect")
        def trace(dbapi_connection: Any, _record: object) -> None:
            dbapi_connection.set_trace_callback(traced)

        async def press_through(n: int) -> int:
            who = PersonRef(channel="telegram", external_id=str(n), locale_hint="en")
            replies = await app.dialogs.handle(who, Command("start", ""), event_key=f"{n}:0")
            for step in range(1, events_per_person):
                offered = [reply for reply in replies if reply.choices][-1]
                pick = _next_choice(offered.choices, step)
                chosen = Chosen.from_id(pick.id, token=offered.token)
                replies = await app.dialogs.handle(who, chosen, event_key=f"{n}:{step}")
            return events_per_person

        for n in range(5):  # warm: the first events import and compile
            await press_through(n)
        counted.clear()
        started = time.perf_counter()
        events = sum([await press_through(n) for n in range(10, 10 + people)])
        seconds = time.perf_counter() - started
        await app.close()
    return {
        "ms": seconds / events * 1000,
        "statements": counted["statements"] / events,
        "commits": counted["commits"] / events,
    }


def _next_choice(choices: tuple, step: int):
    """The benchmark's path: English, About, Aims, every Next, back to the menu."""
    wanted = ("English", "About the project", "Aims of the project")
    if step <= len(wanted):
        return next(c for c in choices if c.label.startswith(wanted[step - 1]))
    return next((c for c in choices if c.label.startswith("Next: ")), None) or next(
        c for c in choices if c.label.startswith("Back to the menu")
    )
