"""No input crashes the console or the core: arbitrary Unicode, typed as a person might."""

from __future__ import annotations

import asyncio
import io
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import App
from bot.channels.console import ConsoleChannel
from bot.config import Settings
from tests.chat import Chat
from tests.fakes.clock import ManualClock

TRICKY = [
    "²",
    "١٢",
    "۳",
    "①",
    "߃",
    "𝟕",
    "e\u0301",
    "\u200f1",
    "\u202e7\u202c",
    "\u2066٣\u2069",
    "🙂",
    "👨‍👩‍👧",
    "-1",
    "+٢",
    "1.",
    "0",
    "x" * 5000,
    "/",
    "/start " + "a" * 200,
    "\x00",
]
LINE = st.one_of(
    st.text(max_size=60),
    st.from_regex(r"[+\-]?\d{1,14}[.)]?", fullmatch=True),
    st.sampled_from(TRICKY),
    st.lists(st.sampled_from(TRICKY), max_size=4).map("".join),
)
names = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(LINE, min_size=1, max_size=6))
def test_any_typed_line_gets_an_answer_and_never_a_crash(
    app_on_its_own_loop: tuple[asyncio.Runner, App], lines: list[str]
) -> None:
    runner, app = app_on_its_own_loop
    name = f"p{next(names)}"

    async def type_lines() -> None:
        output = io.StringIO()
        script = "".join(
            f"{line}\n" for line in ["/start", *(" ".join(line.splitlines()) for line in lines)]
        )
        await ConsoleChannel(
            app.dialogs, name=name, stdin=io.StringIO(script), stdout=output
        ).receive()
        assert output.getvalue().count("\n> ") >= len(lines)
        chat = Chat(app.dialogs, name=name)
        for line in lines:
            replies = await chat.send(line)
            assert replies
            assert all(reply.text.plain_text for reply in replies)

    runner.run(type_lines())


@pytest.fixture
def app_on_its_own_loop(settings: Settings, compiled_catalogs: Path):
    with asyncio.Runner() as runner:
        app = App.build(settings, clock=ManualClock(), compiled_dir=compiled_catalogs)
        yield runner, app
        runner.run(app.close())
