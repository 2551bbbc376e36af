"""Logging, configured here and nowhere else: one line per event, ids not content."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

# Transport loggers may print request URLs, and Telegram's carry the bot token.
_QUIET = (
    "aiohttp.access",
    "aiohttp.client",
    "aiogram.event",
    "sqlalchemy",
    "alembic",
    "aiosqlite",  # at DEBUG, every statement with its parameters: personal data
    "asyncio",
)


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        force=True,
    )
    for name in _QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def failure(error: BaseException) -> str:
    """An error for the log without its message, which may quote what a person wrote (a
    database error carries its statement's values): its type and where it was raised."""
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames))
    return f"error={type(error).__name__} at {where or '?'}"
