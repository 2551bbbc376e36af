"""The admin side in Telegram: the admin commands in the menus of admins only, and an
export arriving as a document."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl
import pytest

from bot.config import Settings
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.clock import ManualClock
from tests.telegram.conftest import TelegramApp

ADMIN, STRANGER = 7001, 7002  # the stranger has never started the bot


@pytest.fixture
async def admin_bot(
    webhook_settings: Settings, fake: FakeBotApi, clock: ManualClock, compiled_catalogs: Path
) -> AsyncIterator[TelegramApp]:
    fake.add_user(ADMIN, "Hamida", language_code="de")
    settings = webhook_settings.model_copy(update={"admin_ids": (ADMIN, STRANGER)})
    running = TelegramApp(settings, clock, compiled_catalogs)
    await running.start()
    yield running
    await running.stop()


async def test_admin_commands_are_in_the_menus_of_admins_only(
    admin_bot: TelegramApp, fake: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    def names(key: tuple[str, str]) -> list[str]:
        return [command["command"] for command in fake.commands[key]]

    assert "admin" not in names(("default", "ar"))
    assert names((f"chat:{ADMIN}", "")) == ["start", "menu", "language", "cancel", "help", "admin"]
    assert fake.commands[(f"chat:{ADMIN}", "de")][-1] == {
        "command": "admin",
        "description": "Admin-Menü",
    }
    assert fake.commands[(f"chat:{ADMIN}", "ar")][-1]["description"] == "قائمة المشرفين"
    assert not [key for key in fake.commands if key[0] == f"chat:{STRANGER}"]
    told = [r.getMessage() for r in caplog.get_records("setup")]
    assert f"admin commands not in the menu: admin {STRANGER} must start the bot" in told


async def test_an_admin_gets_the_open_requests_as_a_document(
    admin_bot: TelegramApp, fake: FakeBotApi, person_factory
) -> None:
    person = person_factory(user_id=1001, language_code="en")
    await person.send("/start ask")
    await person.press("English")
    await person.send("When is the next training?")
    await person.choose("send:yes")
    admin = person_factory(user_id=ADMIN, first_name="Hamida", language_code="de")
    await admin.send("/start")
    await admin.press("Deutsch")

    await admin.send("/admin")
    await admin.press("Offene Anfragen als Tabelle (XLSX)")

    [sent] = fake.calls("sendDocument")
    document = sent.result["document"]
    assert document["file_name"] == "requests-2026-11-26.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(fake.files[document["file_id"]].content)).active
    assert [cell.value for cell in sheet[1]][:2] == ["Anfrage", "Stand"]
    assert sheet["H2"].value == "When is the next training?"
    assert admin.messages[-2].text.startswith("1 offene Anfrage.")
