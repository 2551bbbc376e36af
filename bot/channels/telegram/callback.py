"""Choices travel in callback_data as `<prompt token>|<choice id>`, within Telegram's
1-64 bytes (https://core.telegram.org/bots/api#inlinekeyboardbutton)."""

from __future__ import annotations

from dialogs.core import Chosen

MAX_CALLBACK_BYTES = 64
_FORGED = Chosen(group="", value="", token=-1)


def encode(choice_id: str, token: int | None) -> str:
    data = f"{token or 0}|{choice_id}"
    if not 1 <= len(data.encode()) <= MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {choice_id!r}")
    return data


def decode(data: str | None) -> Chosen:
    """The press as the core sees it; data we never made becomes a choice nobody offered."""
    token, separator, choice_id = (data or "").partition("|")
    if not separator or not token.isdigit() or ":" not in choice_id:
        return _FORGED
    return Chosen.from_id(choice_id, token=int(token))
