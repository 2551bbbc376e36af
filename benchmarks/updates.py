"""Throughput, latency, memory and start-up of the Telegram bot, against the fake Bot API.

    .venv/bin/python benchmarks/updates.py [--people 200] [--rounds 3] [--modes webhook,polling]
                                           [--unpinned-rounds 1] [--half-load-seconds 8]
                                           [--no-breakdown] [--staff-chat]

Runs `erstkontakt run` as its own process, with N simulated people who each press through
first contact, the menu and every About page, waiting for each answer; then the same
people pattern against a bare aiogram bot that only echoes (benchmarks/bare_echo.py). Each
mode (webhook, polling) runs `--rounds` rounds of both bots with the bot pinned to one core
and the fake server and people to the other, then `--unpinned-rounds` without pinning; the
round with the median share is reported in full. Prints updates per second, the time from
update to answer (p50/p95/p99) at full load and at half of our peak rate, each bot's CPU per
update, peak memory (VmHWM), time from start to receiving, and the Bot API errors the bot
caused; then where the time of an update goes (benchmarks/breakdown.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import breakdown
from benchmarks.harness import (
    MODES,
    Answers,
    BotProcess,
    Recorder,
    Run,
    Script,
    bot_errors,
    can_pin,
    harness_pinned,
    load,
    pacer,
)
from tests.fakes.bot_api import FakeBotApi

OURS = [sys.executable, "-m", "bot", "run"]
BARE = [sys.executable, str(ROOT / "benchmarks/bare_echo.py")]
UPDATES_PER_PERSON = 15  # /start, 3 presses, 10 x Next, Back to the menu


async def press(fake: FakeBotApi, user: dict, recorder: Recorder, label: str) -> None:
    message = fake.sent_to(user["id"])[-1]
    [data] = [d for row in message.buttons for text, d in row if text.startswith(label)]
    await recorder.post(fake, fake.callback_update(user, message, data), user["id"])


async def erstkontakt_script(fake: FakeBotApi, user: dict, recorder: Recorder) -> None:
    await recorder.post(fake, fake.message_update(user, "/start"), user["id"])
    for label in ("English", "About the project", "Aims of the project"):
        await press(fake, user, recorder, label)
    while any(
        t.startswith("Next: ") for row in fake.sent_to(user["id"])[-1].buttons for t, _ in row
    ):
        await press(fake, user, recorder, "Next: ")
    await press(fake, user, recorder, "Back to the menu")


async def echo_script(fake: FakeBotApi, user: dict, recorder: Recorder) -> None:
    for n in range(UPDATES_PER_PERSON):
        await recorder.post(fake, fake.message_update(user, f"message {n}"), user["id"])


@dataclass
class Bot:
    name: str
    command: list[str]
    script: Script
    answers_carry_keyboard: bool


ERSTKONTAKT = Bot("erstkontakt", OURS, erstkontakt_script, answers_carry_keyboard=True)
BARE_ECHO = Bot("bare aiogram", BARE, echo_script, answers_carry_keyboard=False)


@dataclass
class Measured:
    ready: float
    memory: float
    full: Run
    half: Run | None
    errors: Counter[str]


async def measure(
    bot: Bot,
    mode: str,
    *,
    pinned: bool,
    args: argparse.Namespace,
    profile: Path | None = None,
) -> Measured:
    with tempfile.TemporaryDirectory() as folder, harness_pinned(pinned):
        async with FakeBotApi() as fake:
            workdir, staff = Path(folder), args.staff_chat
            process = BotProcess(
                bot.command, fake, workdir, mode=mode, pinned=pinned, staff_chat=staff
            )
            answers = Answers(fake, keyboard=bot.answers_carry_keyboard)

            def recorder(**pace: float) -> Recorder:
                return Recorder(mode, answers, pacer=pacer(**pace) if pace else None)

            await process.start()
            await load(fake, bot.script, recorder(), 10, 900_000, process)  # warm up
            spy = await breakdown.start_profiler(process.pid, profile) if profile else None
            full = await load(fake, bot.script, recorder(), args.people, 1_000_000, process)
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                await spy.wait()
            half = None
            if args.half_load_seconds and profile is None:
                people = max(1, int(full.rate * args.half_load_seconds / 2 / UPDATES_PER_PERSON))
                paced = recorder(rate=full.rate / 2)
                half = await load(fake, bot.script, paced, people, 2_000_000, process)
            memory = await process.stop()
            return Measured(process.ready_after, memory, full, half, bot_errors(fake))


def median_round(
    rounds: list[tuple[Measured, Measured]],
) -> tuple[float, Measured, Measured, list[float]]:
    """The round with the median share, and every round's share (bare, ours in each)."""
    shared = sorted(
        ((ours.full.rate / bare.full.rate, bare, ours) for bare, ours in rounds),
        key=lambda each: each[0],
    )
    share, bare, ours = shared[len(shared) // 2]
    return share, bare, ours, [each[0] for each in shared]


def report(title: str, rounds: list[tuple[Measured, Measured]]) -> float:
    """Print one mode's figures; the median round's share."""
    share, bare, ours, shares = median_round(rounds)
    print(f"\n{title} (the round with the median share of {len(rounds)}):")
    rows = [
        ("ready after start", lambda m: f"{m.ready:.2f} s"),
        ("peak memory (VmHWM)", lambda m: f"{m.memory:.1f} MB"),
        ("full load", lambda m: f"{m.full.rate:.0f} updates/s"),
        ("CPU per update", lambda m: f"{m.full.bot_cpu_ms:.2f} ms"),
        (
            "  of it user, system",
            lambda m: (
                f"{m.full.bot_user / m.full.updates * 1000:.2f}, "
                f"{m.full.bot_system / m.full.updates * 1000:.2f} ms"
            ),
        ),
        ("harness CPU per update", lambda m: f"{m.full.harness_cpu / m.full.updates * 1e3:.2f} ms"),
        (
            "full load p50/p99",
            lambda m: f"{m.full.percentile(0.5):.0f} / {m.full.percentile(0.99):.0f} ms",
        ),
        ("half peak rate", lambda m: f"{m.half.rate:.0f}/s" if m.half else "-"),
        (
            "half peak p50/p95/p99",
            lambda m: (
                f"{m.half.percentile(0.5):.1f} / {m.half.percentile(0.95):.1f} / "
                f"{m.half.percentile(0.99):.1f} ms"
                if m.half
                else "-"
            ),
        ),
    ]
    print(f"  {'':24}{BARE_ECHO.name:>24}{ERSTKONTAKT.name:>26}")
    for label, shown in rows:
        print(f"  {label:24}{shown(bare):>24}{shown(ours):>26}")
    print(f"  throughput share       {share:.2f}   (target >= 0.60)")
    if len(shares) > 1:
        print(f"  shares of all rounds   {', '.join(f'{each:.2f}' for each in shares)}")
    print(f"  extra peak memory      {ours.memory - bare.memory:.1f} MB   (target <= 60)")
    print(f"  ready later by         {ours.ready - bare.ready:.2f} s   (target <= 1.5)")
    if ours.half is not None:
        print(f"  p99 at half our peak   {ours.half.percentile(0.99):.1f} ms   (target < 50)")
    return share


def report_errors(runs: list[Measured], name: str) -> None:
    errors = sum((run.errors for run in runs), Counter())
    if not errors:
        print(f"  {name}: none   (target 0)")
    for error, count in errors.most_common():
        print(f"  {name}: {count} x {error}")


async def report_breakdown(args: argparse.Namespace, cpu_ms: dict[str, float]) -> None:
    """Where an update's CPU goes, for both bots (webhook, pinned), and the engine's SQL."""
    print(
        "\nwhere an update's CPU goes (py-spy samples of one full-load run by webhook, "
        "times the CPU per update above):"
    )
    parts: dict[str, dict[str, float]] = {}
    for bot in (BARE_ECHO, ERSTKONTAKT):
        with tempfile.TemporaryDirectory() as folder:
            raw = Path(folder) / "profile.txt"
            try:
                await measure(bot, "webhook", pinned=can_pin(), args=args, profile=raw)
            except (FileNotFoundError, RuntimeError) as error:
                print(f"  no breakdown: {error}")
                return
            parts[bot.name] = breakdown.shares(raw)
    print(f"  {'':34}{BARE_ECHO.name:>16}{ERSTKONTAKT.name:>16}")
    for part in breakdown.PARTS:
        figures = [parts[bot.name][part] * cpu_ms[bot.name] for bot in (BARE_ECHO, ERSTKONTAKT)]
        print(f"  {part:34}" + "".join(f"{figure:>13.2f} ms" for figure in figures))
    engine = await breakdown.engine_statements(UPDATES_PER_PERSON)
    print(
        f"  the engine alone, in-process on SQLite: {engine['ms']:.2f} ms per event, "
        f"{engine['statements']:.2f} statements and {engine['commits']:.2f} commits"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--half-load-seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3, help="pinned rounds of both bots per mode")
    parser.add_argument("--unpinned-rounds", type=int, default=1, help="and without pinning")
    parser.add_argument("--modes", default=",".join(MODES), help="webhook, polling or both")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the profile")
    parser.add_argument(
        "--staff-chat", action="store_true", help="give our bot a staff forum group, as in use"
    )
    args = parser.parse_args()
    modes = [mode.strip() for mode in args.modes.split(",")]
    if unknown := set(modes) - set(MODES):
        parser.error(f"unknown mode {', '.join(sorted(unknown))}: use webhook or polling")
    pinning = can_pin()
    if not pinning:
        print("fewer than two cores or no taskset: every round runs unpinned")
    print(f"{args.people} people, {UPDATES_PER_PERSON} updates each, 127.0.0.1")
    measured: dict[str, list[Measured]] = {BARE_ECHO.name: [], ERSTKONTAKT.name: []}
    cpu_ms: dict[str, float] = {}
    for mode in modes:
        plans = [(pinning, args.rounds)] + ([(False, args.unpinned_rounds)] if pinning else [])
        for pinned, count in plans:
            rounds = []
            for _ in range(count):
                bare = await measure(BARE_ECHO, mode, pinned=pinned, args=args)
                ours = await measure(ERSTKONTAKT, mode, pinned=pinned, args=args)
                rounds.append((bare, ours))
                measured[BARE_ECHO.name].append(bare)
                measured[ERSTKONTAKT.name].append(ours)
            if not rounds:
                continue
            where = "bot on core 0, fake server and people on core 1" if pinned else "unpinned"
            report(f"{mode}, {where}", rounds)
            if mode == "webhook" and pinned == pinning:
                _, bare, ours, _ = median_round(rounds)
                cpu_ms = {BARE_ECHO.name: bare.full.bot_cpu_ms}
                cpu_ms[ERSTKONTAKT.name] = ours.full.bot_cpu_ms
    print("\nBot API errors caused by the bot, in all rounds:")
    for name, runs in measured.items():
        report_errors(runs, name)
    if not args.no_breakdown and cpu_ms:
        await report_breakdown(args, cpu_ms)
    os.chdir(ROOT)


if __name__ == "__main__":
    asyncio.run(main())
