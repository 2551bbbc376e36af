"""Messages of the program to a person at the console: shown at the next line read, with
their file saved to a folder and their buttons as numbers."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from bot.channels.console import ConsoleChannel
from dialogs.flows.ask_the_team import REQUEST_DONE, REQUEST_DONE_LABEL
from storage.attachments import Attachment
from storage.models import ChannelIdentity, OutboxMessage
from storage.services import Services
from storage.uow import UnitOfWork
from tests.fakes.clock import ManualClock


async def chat(app: App, lines: str, files: Path) -> str:
    shown = io.StringIO()
    console = ConsoleChannel(
        app.dialogs,
        name="dana",
        stdin=io.StringIO(lines),
        stdout=shown,
        people=app.workers.people,
        files=files,
    )
    await app.serve(console)
    return shown.getvalue()


async def test_a_message_with_a_file_waits_for_the_console_and_its_button_works(
    app: App, clock: ManualClock, tmp_path: Path
) -> None:
    await chat(app, "/start\n7\n", tmp_path)
    async with UnitOfWork(app.sessions) as uow:
        person_id = (
            await uow.session.execute(
                select(ChannelIdentity.person_id).where(ChannelIdentity.external_id == "dana")
            )
        ).scalar_one()
        await Services.bind(uow.session).outbox.tell_person(
            person_id=person_id,
            text="Answer from the team:",
            actions=[(f"{REQUEST_DONE}:99", REQUEST_DONE_LABEL)],
            file=Attachment("plan.csv", "text/csv", b"day;time\r\nMonday;10:00\r\n"),
            now=clock.now(),
        )
    clock.advance(seconds=5)

    shown = await chat(app, "1\n", tmp_path)

    saved = tmp_path / "plan.csv"
    assert shown.startswith(
        f"Answer from the team:\n  1) ✓ My question is answered\n📎 {saved}\n\n> 1\n"
        "This request is closed already."
    )
    assert saved.read_bytes() == b"day;time\r\nMonday;10:00\r\n"


async def test_the_console_leaves_a_telegram_persons_message_untouched(
    app: App, clock: ManualClock, tmp_path: Path
) -> None:
    async with UnitOfWork(app.sessions) as uow:
        services = Services.bind(uow.session)
        olena = await services.people.identify(
            channel="telegram",
            external_id="1001",
            locale_hint="uk",
            first_name="Olena",
            now=clock.now(),
        )
        await services.outbox.tell_person(
            person_id=olena.person_id, text="Answer from the team:", now=clock.now()
        )
    clock.advance(seconds=5)

    await chat(app, "/start\n", tmp_path)  # the console's outbox runs meanwhile

    async with UnitOfWork(app.sessions) as uow:
        [(attempts, sent_at)] = (
            await uow.session.execute(select(OutboxMessage.attempts, OutboxMessage.sent_at))
        ).all()
    assert (attempts, sent_at) == (0, None)  # waiting for Telegram, as it was
