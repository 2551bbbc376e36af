"""What every channel offers the program."""

from __future__ import annotations

from typing import Protocol


class Channel(Protocol):
    async def start(self) -> None:
        """Get ready to receive (register with the platform, say who we are)."""
        ...

    async def receive(self) -> None:
        """Receive events and answer them until cancelled or the input ends."""
        ...

    async def stop(self) -> None:
        """Close what `start` opened."""
        ...
