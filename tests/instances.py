"""Several instances of the program at once, for race tests.

Each instance runs on a thread of its own with its own event loop and database connection,
as a separate process would. In one event loop the SQLite transactions of several engines
could never overlap (SQLite statements run on the loop's thread), so that would prove
nothing; on threads they overlap for real, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.app import App

T = TypeVar("T")


class Instance:
    def __init__(self, app: App) -> None:
        self.app = app
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()

    async def run(self, work: Callable[[App], Awaitable[T]]) -> T:
        """Run `work(app)` on this instance's own loop and wait for its result."""

        async def on_own_loop() -> T:
            return await work(self.app)

        future = asyncio.run_coroutine_threadsafe(on_own_loop(), self._loop)
        return await asyncio.wrap_future(future)

    async def close(self) -> None:
        await self.run(lambda app: app.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        await asyncio.to_thread(self._thread.join)
        self._loop.close()
