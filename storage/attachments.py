"""A file that goes with a message: an `.ics` invitation, an export."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

# Telegram takes documents up to 50 MB from bots; what waits in the outbox stays far smaller.
LARGEST_QUEUED = 1024 * 1024


@dataclass(frozen=True)
class Attachment:
    name: str  # as the person sees it, e.g. "erstgespraech.ics"
    media_type: str  # e.g. "text/calendar"
    content: bytes

    def __post_init__(self) -> None:
        if not self.name or "/" in self.name or "\\" in self.name:
            raise ValueError(f"a file name without folders: {self.name!r}")

    def to_payload(self) -> dict[str, Any]:
        """For a row of the outbox (JSON)."""
        if len(self.content) > LARGEST_QUEUED:
            raise ValueError(f"{self.name}: too large to wait in the outbox")
        data = base64.b64encode(self.content).decode("ascii")
        return {"name": self.name, "media_type": self.media_type, "data": data}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Attachment:
        return cls(payload["name"], payload["media_type"], base64.b64decode(payload["data"]))
