"""Logging, configured here and nowhere else: one line per event, ids not content."""

from __future__ import annotations

import logging
import sys

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
