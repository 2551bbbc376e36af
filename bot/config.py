"""Settings from the environment (and an optional `.env`), checked once at start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from dialogs.office_hours import OfficeHours
from storage.db import UnsupportedDatabase, async_url

TELEGRAM_API = "https://api.telegram.org"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: str | None = None
    telegram_api_base: str = TELEGRAM_API
    telegram_bot_username: str | None = None
    database_url: str = "sqlite:///data/erstkontakt.db"
    staff_chat_id: int | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    webhook_url: str | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_secret: str | None = None
    office_hours: str | None = None
    redis_url: str | None = None
    request_retention_days: int = Field(default=365, ge=1, le=3650)
    escalate_after: int = Field(default=1, ge=1, le=30)  # working days
    # Telegram's limits run this much faster: only for tests against the fake server.
    telegram_pace_scale: float = Field(default=1.0, gt=0, le=1)
    backup_dir: Path | None = None  # beside the SQLite file, in `backups/`
    backup_keep: int = Field(default=14, ge=1, le=1000)
    log_level: str = "INFO"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator(
        "telegram_bot_token",
        "telegram_bot_username",
        "staff_chat_id",
        "webhook_url",
        "webhook_secret",
        "office_hours",
        "redis_url",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("telegram_bot_token")
    @classmethod
    def _a_bot_token(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d+:[\w-]+", value):
            raise ValueError(
                "expected the token @BotFather gave: digits, a colon, then letters and digits"
            )
        return value

    @field_validator("telegram_api_base")
    @classmethod
    def _an_api_address(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"expected a web address like {TELEGRAM_API}")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            async_url(value)
        except UnsupportedDatabase as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("office_hours")
    @classmethod
    def _office_hours(cls, value: str | None) -> str | None:
        if value is not None:
            OfficeHours.parse(value)
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("one of DEBUG, INFO, WARNING, ERROR")
        return value.upper()

    @field_validator("webhook_url")
    @classmethod
    def _a_web_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must start with https://")
        return value

    @model_validator(mode="after")
    def _webhook_rules(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("WEBHOOK_SECRET: required when WEBHOOK_URL is set")
        if self.webhook_secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", self.webhook_secret):
            raise ValueError("WEBHOOK_SECRET: 1-256 characters of A-Z, a-z, 0-9, _ and -")
        plain_http = (self.webhook_url or "").startswith("http://")
        if plain_http and self.telegram_api_base == TELEGRAM_API:
            raise ValueError(
                "WEBHOOK_URL: Telegram requires https:// (http:// only with another "
                "TELEGRAM_API_BASE, such as a test server)"
            )
        return self


class SettingsError(SystemExit):
    """Stops the program with one line that names the variable."""


def load_settings(**overrides: object) -> Settings:
    """The settings, or a `SettingsError` whose message is one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        raise SettingsError(describe(error)) from None


def describe(error: ValidationError) -> str:
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not first["loc"]:
        return message
    name = str(first["loc"][0]).upper()
    value = first.get("input")
    shown = f' ("{value}")' if isinstance(value, str | int) and name != "TELEGRAM_BOT_TOKEN" else ""
    return f"{name}: {message}{shown}"
