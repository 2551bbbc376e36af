"""Latency and start-up with many people in the database, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/database_size.py [--sizes 100,1000000] [--ready-size 100000]
                                                 [--rate 40] [--seconds 10] [--postgres URL]

For each database (SQLite; PostgreSQL too with --postgres or TEST_POSTGRES_URL) and each
size, seeds that many people (a person, a Telegram identity, a conversation as /start
leaves it, an update handled recently) into a new database, starts
the bot on it by webhook (pinned to a core, as benchmarks/updates.py does), and lets new
people press through first contact and the About pages at a fixed rate. Prints p50/p95/p99
per size and their ratio to the smallest (target <= 1.2), and how much later than a bare
aiogram bot ours receives after a restart on a database of `--ready-size` people
(target <= 1.5 s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from benchmarks.harness import Answers, BotProcess, Recorder, can_pin, harness_pinned, load, pacer
from benchmarks.updates import BARE, OURS, UPDATES_PER_PERSON, erstkontakt_script
from bot.app import App
from bot.config import Settings
from dialogs.core import Command, PersonRef
from storage.db import async_url
from storage.models import ChannelIdentity, Conversation, Person, ProcessedEvent
from tests.fakes.bot_api import FakeBotApi

BATCH = 20_000
BENCH_DATABASE = "erstkontakt_bench"


async def new_database(kind: str, folder: Path, postgres: str | None) -> str:
    """The URL of an empty database of that kind, migrated to the newest schema."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / 'people.sqlite'}"
    else:
        assert postgres is not None
        server = make_url(async_url(postgres))
        admin = create_async_engine(server, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"))
            await connection.execute(text(f"CREATE DATABASE {BENCH_DATABASE}"))
        await admin.dispose()
        url = server.set(database=BENCH_DATABASE).render_as_string(hide_password=False)
    app = App.build(Settings(database_url=url, _env_file=None), scheduler_tick=None)
    await app.migrate()
    await app.close()
    return url


async def seed(url: str, people: int) -> float:
    """Put `people` people into the database, each as /start leaves them; seconds taken."""
    started = time.perf_counter()
    app = App.build(Settings(database_url=url, _env_file=None), scheduler_tick=None)
    template = await a_conversation_as_left(app)
    now = datetime.now(UTC)
    async with app.database.begin() as connection:
        for first in range(1, people + 1, BATCH):
            ids = range(first, min(first + BATCH, people + 1))
            rows = {
                Person: [
                    {"id": n, "locale": "en", "first_name": "P", "created_at": now} for n in ids
                ],
                ChannelIdentity: [
                    {
                        "id": n,
                        "person_id": n,
                        "channel": "telegram",
                        "external_id": str(n),
                        "locale_hint": "en",
                        "created_at": now,
                    }
                    for n in ids
                ],
                Conversation: [{**template, "identity_id": n, "updated_at": now} for n in ids],
                ProcessedEvent: [
                    {
                        "channel": "telegram",
                        "event_key": f"update:{10**12 + n}",
                        "processed_at": now,
                    }
                    for n in ids
                ],
            }
            for model, values in rows.items():
                await connection.execute(insert(model), values)
        if connection.dialect.name == "postgresql":
            for table in ("person", "channel_identity"):
                await connection.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {people + 10})")
                )
    await app.close()
    return time.perf_counter() - started


async def a_conversation_as_left(app: App) -> dict[str, Any]:
    """The conversation of someone who just sent /start, as a row to
    copy (the engine writes it, so the seeded rows are what it would write). Its person is
    removed afterwards so that the seeded ids are free."""
    who = PersonRef(channel="seed", external_id="template", locale_hint="en")
    await app.dialogs.handle(who, Command("start", ""), event_key="seed")
    columns = [
        c for c in Conversation.__table__.c if c.name not in {"id", "identity_id", "updated_at"}
    ]
    async with app.database.begin() as connection:
        row = (await connection.execute(select(*columns))).one()
        await connection.execute(text("DELETE FROM conversation"))
        await connection.execute(text("DELETE FROM processed_event"))
        await connection.execute(text("DELETE FROM channel_identity"))
        await connection.execute(text("DELETE FROM person"))
    return dict(row._mapping)


async def paced_latency(url: str, rate: float, seconds: float, pinned: bool) -> dict[str, float]:
    """Start ours on `url`, let new people press through at `rate`; latency and start."""
    with tempfile.TemporaryDirectory() as folder, harness_pinned(pinned):
        async with FakeBotApi() as fake:
            bot = BotProcess(
                OURS, fake, Path(folder), mode="webhook", pinned=pinned, database_url=url
            )
            await bot.start()
            answers = Answers(fake, keyboard=True)
            await load(fake, erstkontakt_script, Recorder("webhook", answers), 5, 50_000_000, bot)
            people = max(1, int(rate * seconds / UPDATES_PER_PERSON))
            recorder = Recorder("webhook", answers, pacer=pacer(rate))
            run = await load(fake, erstkontakt_script, recorder, people, 60_000_000, bot)
            await bot.stop()
    return {
        "ready": bot.ready_after,
        "p50": run.percentile(0.5),
        "p95": run.percentile(0.95),
        "p99": run.percentile(0.99),
    }


async def bare_ready(pinned: bool) -> float:
    with tempfile.TemporaryDirectory() as folder, harness_pinned(pinned):
        async with FakeBotApi() as fake:
            bot = BotProcess(BARE, fake, Path(folder), mode="webhook", pinned=pinned)
            await bot.start()
            await bot.stop()
    return bot.ready_after


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100,1000000", help="people in the database")
    parser.add_argument("--ready-size", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=40.0, help="updates per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    pinned = can_pin()
    kinds = ["sqlite"] + (["postgresql"] if args.postgres else [])
    print(
        f"new people pressing through at {args.rate:.0f} updates/s for {args.seconds:.0f} s, "
        f"webhook, {'pinned' if pinned else 'unpinned'}"
    )
    bare = await bare_ready(pinned)
    for kind in kinds:
        print(f"\n{kind}:")
        smallest: dict[str, float] | None = None
        for size in sorted({*sizes, args.ready_size}):
            with tempfile.TemporaryDirectory() as folder:
                url = await new_database(kind, Path(folder), args.postgres)
                seeded = await seed(url, size)
                figures = await paced_latency(url, args.rate, args.seconds, pinned)
            smallest = smallest or figures
            p99, p50 = figures["p99"] / smallest["p99"], figures["p50"] / smallest["p50"]
            print(
                f"  {size:>9,} people (seeded in {seeded:.0f} s): p50 {figures['p50']:.1f} ms  "
                f"p95 {figures['p95']:.1f} ms  p99 {figures['p99']:.1f} ms  "
                f"(p99 x{p99:.2f}, p50 x{p50:.2f} of the smallest, target <= 1.2)  "
                f"ready {figures['ready']:.2f} s, {figures['ready'] - bare:+.2f} s after bare "
                f"(target <= 1.5)"
            )
    print(f"\nbare aiogram bot ready after {bare:.2f} s")


if __name__ == "__main__":
    asyncio.run(main())
