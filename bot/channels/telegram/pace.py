"""One pace for everything the bot sends to Telegram, kept before Telegram has to answer
429: about 30 messages a second overall, about one a second into one private chat (short
bursts pass), 20 a minute into one group (https://core.telegram.org/bots/faq, "My bot is
hitting limits").

Answers to a person who just wrote go first: what the bot sends unasked (the outbox,
jobs, broadcasts) takes at most two thirds of the overall rate and waits while answers
wait. A 429 pauses what it applies to (its chat) for the `retry_after` Telegram gave.
Only calls that put a message into a chat count; edits, reactions and the like do not.

One process keeps one pace here; several instances would share one in Redis, behind the
same two methods.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiolimiter import AsyncLimiter

# A margin below Telegram's figures, and short bursts: requests bunch up on their way.
OVERALL_BURST, OVERALL_PER_SECOND = 5, 25
UNASKED_BURST, UNASKED_PER_SECOND = 4, 16  # what the bot sends unasked leaves room for answers
PRIVATE_BURST, PRIVATE_PER_SECOND = 3, 1  # a reply and its note pass at once, then 1/s
GROUP_PER_MINUTE = 20
FORGET_CHATS_ABOVE = 10_000  # idle chats' limiters are dropped beyond this many
UNASKED_WAITS_AT_MOST = 5  # seconds; well within the outbox's claim on the message

# Methods that put a message (or a topic, with its service message) into a chat.
_MESSAGES = frozenset({"copyMessage", "copyMessages", "forwardMessage", "createForumTopic"})


def puts_a_message(api_method: str) -> bool:
    return api_method.startswith("send") or api_method in _MESSAGES


class Busy(Exception):
    """No turn for an unasked message soon: try it later (nothing was sent)."""


class Pace:
    """`async with pace.turn(chat_id, unasked=...)` before each call that sends a message;
    `pace.pause(chat_id, seconds)` after a 429. `scale` shortens every period and pause
    (tests run Telegram's limits against the fake server a hundred times faster with
    0.01)."""

    def __init__(self, *, scale: float = 1.0) -> None:
        self._scale = scale
        self._overall = _limiter(OVERALL_BURST, OVERALL_PER_SECOND, scale)
        self._unasked = _limiter(UNASKED_BURST, UNASKED_PER_SECOND, scale)
        self._chats: dict[int, AsyncLimiter] = {}
        self._paused: dict[int | None, float] = {}  # chat (None: all) -> loop time
        self._answers_waiting = 0
        self._answers_through = asyncio.Condition()

    @asynccontextmanager
    async def turn(self, chat_id: int | None, *, unasked: bool) -> AsyncIterator[None]:
        """Wait for the turn of a message to `chat_id`. An unasked one waits at most
        `UNASKED_WAITS_AT_MOST` seconds, then raises `Busy`: its sender tries later."""
        if unasked:
            try:
                async with asyncio.timeout(UNASKED_WAITS_AT_MOST * max(self._scale, 0.01)):
                    await self._unasked_turn(chat_id)
            except TimeoutError:
                raise Busy(chat_id) from None
        else:
            await self._answer_turn(chat_id)
        yield

    async def _answer_turn(self, chat_id: int | None) -> None:
        self._answers_waiting += 1
        try:
            await self._wait_out_pauses(chat_id)
            if chat_id is not None:
                await self._chat(chat_id).acquire()
            await self._overall.acquire()
        finally:
            self._answers_waiting -= 1
            if not self._answers_waiting:
                async with self._answers_through:
                    self._answers_through.notify_all()

    async def _unasked_turn(self, chat_id: int | None) -> None:
        await self._wait_out_pauses(chat_id)
        if chat_id is not None:
            await self._chat(chat_id).acquire()
        await self._unasked.acquire()
        async with self._answers_through:
            await self._answers_through.wait_for(lambda: not self._answers_waiting)
        await self._overall.acquire()

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Telegram asked for a pause (429): nothing more goes to that chat until it ends."""
        until = asyncio.get_running_loop().time() + seconds * self._scale
        self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)

    async def _wait_out_pauses(self, chat_id: int | None) -> None:
        loop = asyncio.get_running_loop()
        for key in {None, chat_id}:
            until = self._paused.get(key)
            if until is not None and (left := until - loop.time()) > 0:
                await asyncio.sleep(left)

    def _chat(self, chat_id: int) -> AsyncLimiter:
        limiter = self._chats.get(chat_id)
        if limiter is None:
            if len(self._chats) > FORGET_CHATS_ABOVE:
                self._forget_idle_chats()
            if chat_id < 0:
                limiter = _limiter(GROUP_PER_MINUTE, GROUP_PER_MINUTE / 60, self._scale)
            else:
                limiter = _limiter(PRIVATE_BURST, PRIVATE_PER_SECOND, self._scale)
            self._chats[chat_id] = limiter
        return limiter

    def _forget_idle_chats(self) -> None:
        for chat_id, limiter in list(self._chats.items()):
            if limiter.has_capacity(limiter.max_rate):
                del self._chats[chat_id]


def _limiter(burst: int, per_second: float, scale: float) -> AsyncLimiter:
    """`per_second` on average, at most `burst` at once (aiolimiter's leaky bucket)."""
    return AsyncLimiter(burst, burst / per_second * scale)
