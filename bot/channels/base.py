"""What every channel offers the program."""

from __future__ import annotations

from typing import Protocol


class Channel(Protocol):
    async def serve(self) -> None:
        """Receive events and answer them until stopped or the input ends."""
        ...
