"""The admin menu: only for admins, in their language, and refused by the service to anyone
else even when it is called directly."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from bot.app import App
from bot.config import Settings
from dialogs import request_export
from dialogs.commands import COMMANDS
from storage.roles import NotAllowed, Role
from storage.services import Services
from storage.uow import UnitOfWork
from tests.chat import Chat
from tests.fakes.clock import ManualClock

ADMIN = 4242


@pytest.fixture
async def admin_app(settings: Settings, clock: ManualClock, compiled_catalogs: Path) -> App:
    app = App.build(
        settings.model_copy(update={"admin_ids": (ADMIN,)}),
        clock=clock,
        compiled_dir=compiled_catalogs,
    )
    yield app
    await app.close()


async def ask_the_team(app: App, name: str, text: str, language: str = "en") -> None:
    chat = Chat(app.dialogs, name=name)
    await chat.send("/start ask")
    await chat.choose(f"lang:{language}")
    await chat.send(text)
    await chat.choose("send:yes")


async def test_a_person_is_not_shown_the_admin_command_and_cannot_use_it(
    admin_app: App,
) -> None:
    chat = Chat(admin_app.dialogs, name="5")
    await chat.send("/start")
    await chat.choose("lang:en")

    await chat.send("/help")
    assert "/admin" not in chat.text
    await chat.send("/admin")

    assert chat.text.startswith("I don't know that command.")
    assert await chat.position() == ("main_menu", "menu")


async def test_an_admin_gets_the_open_requests_as_xlsx_and_csv_in_arabic(admin_app: App) -> None:
    await ask_the_team(admin_app, "olena", '=HYPERLINK("http://x") Wann?', "de")
    await ask_the_team(admin_app, "ali", "متى الدورة القادمة؟", "ar")
    admin = Chat(admin_app.dialogs, name=str(ADMIN), channel="telegram")
    await admin.send("/start")
    await admin.choose("lang:ar")
    await admin.send("/help")
    assert "/admin" in admin.text

    await admin.send("/admin")
    assert await admin.position() == ("admin", "menu")
    await admin.choose("export:xlsx")

    file = admin.last.file
    assert file is not None
    assert file.name == "requests-2026-11-26.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(file.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] != "Request"  # the headers are in Arabic
    assert [row[0] for row in rows[1:]] == ["#1", "#2"]
    assert rows[1][7] == '=HYPERLINK("http://x") Wann?'
    assert sheet["H2"].data_type == "s"
    assert rows[2][5] == "العربية"
    await admin.choose("export:csv")
    csv_file = admin.last.file
    assert csv_file is not None
    read = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig")), delimiter=";"))
    assert read[1][7] == '\'=HYPERLINK("http://x") Wann?'


async def test_an_admin_without_open_requests_is_told_so(admin_app: App) -> None:
    admin = Chat(admin_app.dialogs, name=str(ADMIN), channel="telegram")
    await admin.send("/start")
    await admin.choose("lang:en")
    await admin.send("/admin")

    await admin.choose("export:csv")

    assert admin.text.startswith("There are no open requests.")
    assert admin.last.file is None


async def test_the_service_refuses_anyone_but_an_admin_even_when_called_directly(
    admin_app: App,
) -> None:
    await ask_the_team(admin_app, "olena", "A question")
    t = admin_app.catalogs.translator("en")
    async with UnitOfWork(admin_app.sessions) as uow:
        reports = Services.bind(uow.session).request_reports
        for role in (Role.PERSON, Role.STAFF):
            with pytest.raises(NotAllowed):
                await request_export.open_requests(
                    reports, role=role, t=t, now=admin_app.clock.now()
                )
        table = await request_export.open_requests(
            reports, role=Role.ADMIN, t=t, now=admin_app.clock.now()
        )
    assert len(table.rows) == 1


async def test_every_command_the_core_handles_is_in_help_for_those_who_may_use_it(
    admin_app: App,
) -> None:
    admin = Chat(admin_app.dialogs, name=str(ADMIN), channel="telegram")
    person = Chat(admin_app.dialogs, name="5", channel="telegram")
    for chat in (admin, person):
        await chat.send("/start")
        await chat.choose("lang:en")
        for command in COMMANDS:
            await chat.send(f"/{command.name}")
            assert not chat.text.startswith("I don't know that command") or (
                chat is person and command.name == "admin"
            ), command.name
            await chat.send("/menu")
    await admin.send("/help")
    help_lines = admin.text.split("\n\n")[0].splitlines()[1:]
    assert [line.split(" ")[0] for line in help_lines] == [
        f"/{c.name}" for c in COMMANDS if c.help is not None
    ]


async def test_an_admin_sees_the_times_offered_a_week_at_a_time(admin_app: App) -> None:
    from datetime import timedelta

    from storage.services.bookings import NewSlot, Slots

    now = admin_app.clock.now()  # Thursday 26 November 2026
    async with UnitOfWork(admin_app.sessions) as uow:
        slots = Slots(uow.session)
        for days, staff in ((5, "Hamida Taamiri"), (12, "Peter")):
            start = (now + timedelta(days=days)).replace(hour=9, minute=0)
            new = NewSlot(start, 45, "phone", None, staff)
            await slots.publish(new, role=Role.ADMIN, now=now)
    admin = Chat(admin_app.dialogs, name=str(ADMIN), channel="telegram")
    await admin.send("/start")
    await admin.choose("lang:de")
    await admin.send("/admin")

    await admin.choose("admin:week")
    assert "Hamida Taamiri" not in admin.text
    await admin.choose("week:1")

    german = admin_app.catalogs.translator("de")
    assert german.gettext("by phone") != "by phone"
    assert f"45 Minuten · {german.gettext('by phone')} · Hamida Taamiri" in admin.text
    assert "Peter" not in admin.text
    await admin.choose("week:2")
    assert "Peter" in admin.text
    await admin.choose("admin:menu")
    assert await admin.position() == ("admin", "menu")
