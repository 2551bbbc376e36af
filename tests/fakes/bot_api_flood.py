"""Telegram's flood limits in the fake Bot API server: about 30 messages a second
overall, about one a second into one private chat (short bursts pass), 20 a minute into
one group (https://core.telegram.org/bots/faq). Beyond them a call gets 429 with
`retry_after`, as Telegram answers. Measured as leaky buckets on the wall clock, `scale`
times faster (0.2: a second lasts 200 ms), with room for what arrives up to `LATE`
seconds late: requests bunch up on their way (here, in an event loop the bot shares)."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.bot_api_spec import ApiError

_MESSAGES = frozenset({"copyMessage", "copyMessages", "forwardMessage", "createForumTopic"})
PRIVATE = (3, 1.0)  # burst, messages per second
GROUP = (20, 20 / 60)
OVERALL = (30, 30.0)
LATE = 0.3  # seconds of the wall clock


@dataclass
class _Bucket:
    capacity: int
    per_second: float
    level: float = 0.0
    at: float = field(default_factory=time.monotonic)

    def wait(self, now: float, scale: float) -> float:
        """How long (in Telegram's seconds) until one more message fits (0: now)."""
        per_real_second = self.per_second / scale
        self.level = max(0.0, self.level - (now - self.at) * per_real_second)
        self.at = now
        over = self.level + 1 - self.capacity - max(1.0, LATE * per_real_second)
        return max(0.0, over / self.per_second)


class FloodLimits:
    def __init__(self, *, scale: float) -> None:
        self.scale = scale
        self.refused = 0
        self._overall = _Bucket(*OVERALL)
        self._chats: dict[Any, _Bucket] = {}

    def check(self, method: str, params: dict[str, Any]) -> None:
        """Raise Telegram's 429 when this call would go over a limit."""
        if not (method.startswith("send") or method in _MESSAGES):
            return
        now = time.monotonic()
        chat = params.get("chat_id")
        bucket = self._chats.get(chat)
        if bucket is None:
            private = isinstance(chat, int) and chat > 0
            bucket = self._chats[chat] = _Bucket(*(PRIVATE if private else GROUP))
        wait = max(bucket.wait(now, self.scale), self._overall.wait(now, self.scale))
        if wait == 0:
            bucket.level += 1
            self._overall.level += 1
        else:
            self.refused += 1
            retry_after = max(1, math.ceil(wait))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
