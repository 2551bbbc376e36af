"""Long polling that loses nothing: an update is confirmed to Telegram (by the offset of
the next getUpdates) only after it was handled and its transaction committed, and the
updates of one chat are handled one after another in the order they arrived, presses
included; different chats are handled side by side.

aiogram's own polling confirms a batch as soon as it has fetched it and handles its
updates as concurrent tasks: killed a moment later, the batch is lost, and a press can
overtake the texts sent before it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable

from aiogram.exceptions import TelegramAPIError
from aiogram.methods import GetUpdates
from aiogram.types import Update

from bot.channels.telegram.delivery import Delivery
from bot.channels.telegram.updates import chat_of

log = logging.getLogger(__name__)

POLL_SECONDS = 25  # Telegram holds a getUpdates this long when nothing is waiting
TRIES_PER_UPDATE = 3  # an update whose handling fails this often is given up, loudly
PAUSE_AFTER_FAILURE = 1.0


class Polling:
    """Fetch, handle, confirm; until cancelled."""

    def __init__(
        self,
        delivery: Delivery,
        handle: Callable[[Update], Awaitable[None]],
        *,
        allowed_updates: list[str],
    ) -> None:
        self._delivery = delivery
        self._handle = handle
        self._allowed_updates = allowed_updates
        self._failures: dict[int, int] = {}
        self._stopping = False
        self._fetching: asyncio.Task[list[Update]] | None = None

    async def run(self) -> None:
        offset: int | None = None
        while not self._stopping:
            self._fetching = asyncio.ensure_future(self._fetch(offset))
            try:
                batch = await self._fetching
            except asyncio.CancelledError:
                if self._stopping:
                    return
                raise
            if batch:
                offset = await self._handle_batch(batch)

    def stop(self) -> None:
        """Stop fetching; a batch in hand is handled to its end first."""
        self._stopping = True
        if self._fetching is not None:
            self._fetching.cancel()

    async def _fetch(self, offset: int | None) -> list[Update]:
        method = GetUpdates(
            offset=offset, timeout=POLL_SECONDS, allowed_updates=self._allowed_updates
        )
        try:
            return await self._delivery.call(method)
        except TelegramAPIError as error:  # the network, Telegram, another instance (409)...
            log.warning("fetching updates failed, trying again error=%s", type(error).__name__)
            await asyncio.sleep(PAUSE_AFTER_FAILURE)
            return []

    async def _handle_batch(self, batch: list[Update]) -> int:
        """Handle `batch`; the offset that confirms what is done. After a failure, the
        failed update and everything after it come again (what was done is recognised
        by its update_id and not done twice)."""
        chats: dict[int | None, list[Update]] = defaultdict(list)
        for update in batch:
            chats[chat_of(update)].append(update)
        outcomes = await asyncio.gather(*map(self._in_order, chats.values()))
        failed = [update_id for update_id in outcomes if update_id is not None]
        if not failed:
            return batch[-1].update_id + 1
        await asyncio.sleep(PAUSE_AFTER_FAILURE)
        return min(failed)

    async def _in_order(self, updates: list[Update]) -> int | None:
        """Handle one chat's updates in order; the id of the first that failed, if any."""
        for update in updates:
            try:
                await self._handle(update)
            except Exception:
                tries = self._failures.get(update.update_id, 0) + 1
                if tries < TRIES_PER_UPDATE:
                    self._failures[update.update_id] = tries
                    log.exception("update failed, tried again update_id=%s", update.update_id)
                    return update.update_id
                self._failures.pop(update.update_id, None)
                log.exception(
                    "update given up after %s tries update_id=%s", tries, update.update_id
                )
            else:
                self._failures.pop(update.update_id, None)
        return None
