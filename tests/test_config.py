"""Settings: safe defaults, and one clear line naming a malformed variable."""

from __future__ import annotations

import pytest

from bot.config import SettingsError, load_settings
from storage.db import async_url


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_BASE",
        "OFFICE_HOURS",
        "DATABASE_URL",
        "STAFF_CHAT_ID",
        "ADMIN_IDS",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_PORT",
        "LOG_LEVEL",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_need_nothing_set() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite:///data/erstkontakt.db"
    assert settings.telegram_bot_token is None
    assert settings.admin_ids == ()
    assert settings.telegram_api_base == "https://api.telegram.org"


def test_admin_ids_are_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "11, 22,33")

    assert load_settings().admin_ids == (11, 22, 33)


@pytest.mark.parametrize(
    ("name", "value", "line"),
    [
        ("STAFF_CHAT_ID", "abc", "STAFF_CHAT_ID: Input should be a valid integer"),
        ("ADMIN_IDS", "1,x", "ADMIN_IDS: Input should be a valid integer"),
        ("WEBHOOK_PORT", "99999", "WEBHOOK_PORT: Input should be less than or equal to 65535"),
        ("DATABASE_URL", "mysql://x/y", "DATABASE_URL: unsupported database 'mysql'"),
        ("DATABASE_URL", "sqlite://", "DATABASE_URL: SQLite needs a file"),
        ("DATABASE_URL", "sqlite:///:memory:", "DATABASE_URL: SQLite needs a file"),
        ("WEBHOOK_URL", "https://example.org/hook", "WEBHOOK_SECRET: required when WEBHOOK_URL"),
        ("TELEGRAM_BOT_TOKEN", "bad", "TELEGRAM_BOT_TOKEN: expected the token @BotFather gave"),
        ("TELEGRAM_BOT_TOKEN", "12 3:ab", "TELEGRAM_BOT_TOKEN: expected the token @BotFather"),
        ("TELEGRAM_API_BASE", "notaurl", "TELEGRAM_API_BASE: expected a web address like https"),
        ("TELEGRAM_API_BASE", "ftp://x.org", "TELEGRAM_API_BASE: expected a web address"),
    ],
)
def test_a_malformed_value_stops_with_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    value: str,
    line: str,
) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(SettingsError) as stopped:
        load_settings()

    message = str(stopped.value)
    assert message.startswith(line)
    assert "\n" not in message


def test_the_token_is_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:" + "x" * 5000)
    assert load_settings().telegram_bot_token
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456 secret-part")

    with pytest.raises(SettingsError) as stopped:
        load_settings()

    assert "secret-part" not in str(stopped.value)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("sqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("sqlite+aiosqlite:////tmp/x.db", "sqlite+aiosqlite:////tmp/x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_their_async_driver(given: str, used: str) -> None:
    assert async_url(given) == used


def test_a_plain_http_webhook_needs_another_api_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "http://127.0.0.1:8080/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    with pytest.raises(SettingsError, match="WEBHOOK_URL: Telegram requires https://"):
        load_settings()

    monkeypatch.setenv("TELEGRAM_API_BASE", "http://127.0.0.1:8081")
    assert load_settings().webhook_url == "http://127.0.0.1:8080/hook"


def test_a_webhook_secret_with_characters_telegram_refuses_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.org/hook")
    monkeypatch.setenv("WEBHOOK_SECRET", "no spaces!")
    with pytest.raises(SettingsError, match="WEBHOOK_SECRET: 1-256 characters"):
        load_settings()


@pytest.mark.parametrize("hours", ["Mo-Fr 09:00-16:00", "Mo-Do 09:00-16:00, Fr 09:00-13:00"])
def test_office_hours_in_the_usual_form_are_accepted(
    monkeypatch: pytest.MonkeyPatch, hours: str
) -> None:
    monkeypatch.setenv("OFFICE_HOURS", hours)
    assert load_settings().office_hours == hours


@pytest.mark.parametrize("hours", ["weekdays", "Mo-Fr 16:00-09:00", "Xx 09:00-10:00"])
def test_malformed_office_hours_stop_the_start(monkeypatch: pytest.MonkeyPatch, hours: str) -> None:
    monkeypatch.setenv("OFFICE_HOURS", hours)
    with pytest.raises(SettingsError, match="OFFICE_HOURS: expected office hours like"):
        load_settings()
