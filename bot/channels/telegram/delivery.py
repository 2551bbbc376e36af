"""Calls to the Bot API with Telegram's failure rules: 429 waits the given retry_after and
tries again; network errors and 5xx back off and try again; 403 means the person blocked
the bot, which is recorded, and nothing retries them."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from bot.channels.telegram.pace import Pace, puts_a_message
from bot.channels.telegram.session import PlainCall, post_plain

log = logging.getLogger(__name__)

T = TypeVar("T")
ATTEMPTS = 6
_backoff = wait_exponential_jitter(multiplier=0.5, max=30, jitter=0.5)


# aiogram reads every answer as `Response[<what the method returns>]`, a pydantic generic
# that pydantic caches only weakly: once collected, the next call builds it anew, which cost
# more than reading the answer. Holding each one here keeps it built.
_response_types: dict[object, type] = {}


def _keep_response_type(method: TelegramMethod[object]) -> None:
    returning = method.__returning__
    if returning not in _response_types:
        _response_types[returning] = Response[returning]  # type: ignore[valid-type]


TEMPORARY = (TelegramRetryAfter, TelegramNetworkError, TelegramServerError)


def is_permanent(error: Exception) -> bool:
    """Whether trying the same call again cannot help: Telegram refused it as it is (400,
    403, 404, 413...), or the person blocked the bot. Flood limits (429), Telegram's own
    errors (5xx) and the network pass, and are worth another try later."""
    return not isinstance(error, TEMPORARY)


class Unreachable(Exception):
    """The person blocked the bot (or deleted their account)."""


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, TelegramRetryAfter):
        return float(error.retry_after)
    return _backoff(state)


def _log_retry(state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome else None
    log.warning(
        "telegram call failed, retrying attempt=%s error=%s",
        state.attempt_number,
        type(error).__name__,
    )


class Delivery:
    """Sends through one Bot; `on_blocked(chat_id)` is told about people who blocked it.

    `timeout` bounds each request (aiogram's default is a minute)."""

    def __init__(
        self,
        bot: Bot,
        *,
        on_blocked: Callable[[int], Awaitable[None]],
        attempts: int = ATTEMPTS,
        timeout: int | None = None,
        pace: Pace | None = None,
        unasked: bool = False,
    ) -> None:
        self.bot = bot
        self._on_blocked = on_blocked
        self._attempts = attempts
        self._timeout = timeout
        self._pace = pace
        self._unasked = unasked

    @overload
    async def call(
        self, method: PlainCall, *, chat_id: int | None = None, attempts: int | None = None
    ) -> Any: ...

    @overload
    async def call(
        self, method: TelegramMethod[T], *, chat_id: int | None = None, attempts: int | None = None
    ) -> T: ...

    async def call(
        self,
        method: TelegramMethod[Any] | PlainCall,
        *,
        chat_id: int | None = None,
        attempts: int | None = None,
    ) -> Any:
        """Call `method`, retrying as Telegram asks; raises `Unreachable` on 403."""
        if isinstance(method, TelegramMethod):
            _keep_response_type(method)
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TEMPORARY),
            wait=_wait,
            stop=stop_after_attempt(attempts or self._attempts),
            before_sleep=_log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._paced(method)
        except TelegramForbiddenError as error:
            log.info("telegram refused delivery chat=%s", chat_id)
            if chat_id is not None:
                await self._on_blocked(chat_id)
            raise Unreachable(chat_id) from error
        raise AssertionError("unreachable: tenacity either returns or raises")

    async def _paced(self, method: TelegramMethod[Any] | PlainCall) -> Any:
        """One call, in its turn when it puts a message into a chat; a 429 pauses the chat."""
        api_method = method.api_method if isinstance(method, PlainCall) else method.__api_method__
        if self._pace is None or not puts_a_message(api_method):
            return await self._send(method)
        chat = getattr(method, "chat_id", None)
        chat_id = chat if isinstance(chat, int) else None
        async with self._pace.turn(chat_id, unasked=self._unasked):
            try:
                return await self._send(method)
            except TelegramRetryAfter as error:
                self._pace.pause(chat_id, error.retry_after)
                raise

    async def _send(self, method: TelegramMethod[Any] | PlainCall) -> Any:
        if not isinstance(method, PlainCall):
            return await self.bot(method, request_timeout=self._timeout)
        session = self.bot.session
        if not isinstance(session, AiohttpSession):
            raise TypeError("plain calls are posted by aiogram's aiohttp session")
        return await post_plain(session, self.bot, method, self._timeout)
