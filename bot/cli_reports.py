"""What `erstkontakt requests` and `erstkontakt info` print (and `requests export` writes):
for staff and admins at a terminal, times in Europe/Berlin."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.app import App
from dialogs import request_export
from storage.attachments import Attachment
from storage.clock import BERLIN
from storage.db import where
from storage.exports import as_csv, as_xlsx
from storage.migrate import schema_version
from storage.roles import Role
from storage.services.request_reports import RequestDetail, RequestReports, RequestSummary
from storage.uow import UnitOfWork

AUTHORS = {"staff": "team", "note": "note (internal)"}


def berlin(moment: datetime) -> str:
    return f"{moment.astimezone(BERLIN):%Y-%m-%d %H:%M}"


async def list_requests(app: App, limit: int | None) -> None:
    """The newest requests, one line each: number, state, time, first name, channel."""
    async with UnitOfWork(app.sessions) as uow:
        summaries = await RequestReports(uow.session).summaries(limit=limit)
    if not summaries:
        print("no requests yet")
        return
    print(f"{len(summaries)} requests, newest first; times in Europe/Berlin")
    for item in summaries:
        first = (item.first_text or "(media)").replace("\n", " ")
        print(f"{_heading(item)}  {_count(item.messages)}  {first[:60]}")


async def show_request(app: App, number: int) -> bool:
    """One request with every message; False when there is no such request."""
    async with UnitOfWork(app.sessions) as uow:
        detail = await RequestReports(uow.session).request(number)
    if detail is None:
        return False
    print(_whole(detail))
    return True


async def open_requests_files(app: App, locale: str) -> list[Attachment]:
    """The open requests as XLSX and CSV, headers in `locale`. Whoever runs the command has
    the database in hand: an admin."""
    async with UnitOfWork(app.sessions) as uow:
        table = await request_export.open_requests(
            RequestReports(uow.session),
            role=Role.ADMIN,
            t=app.catalogs.translator(locale),
            now=app.clock.now(),
        )
    return [as_xlsx(table), as_csv(table)]


def write_files(files: list[Attachment], folder: Path) -> list[Path]:
    """Each file in `folder` under its own name (replacing one of that name); the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        (folder / file.name).write_bytes(file.content)
    return [folder / file.name for file in files]


def _heading(item: RequestSummary) -> str:
    name = (item.first_name or "?")[:16]
    return (
        f"#{item.ticket_id:<4} {item.status:<8} {berlin(item.created_at)}  "
        f"{name:<16} {item.channel:<9} {item.locale:<7}"
    )


def _whole(detail: RequestDetail) -> str:
    item = detail.summary
    lines = [
        f"Request #{item.ticket_id}: {item.status}, opened {berlin(item.created_at)} "
        "(Europe/Berlin)",
        f"From {item.first_name or '?'} (person {item.person_id}) on {item.channel}, "
        f"writing in {item.locale}; {_count(item.messages)}",
        "",
    ]
    for message in detail.messages:
        who = AUTHORS.get(message.author, item.first_name or "person")
        media = "" if message.kind == "text" else f"[{message.kind}] "
        lines.append(f"{berlin(message.created_at)}  {who}: {media}{message.text or ''}")
    return "\n".join(lines)


def _count(messages: int) -> str:
    return f"{messages} message" if messages == 1 else f"{messages} messages"


async def print_info(app: App) -> None:
    """Where the data is, how current its schema is, which languages and channels run."""
    settings = app.settings
    current, newest = await schema_version(app.database)
    state = "current" if current == newest else f"the newest is {newest}; run: erstkontakt migrate"
    telegram = "not configured (TELEGRAM_BOT_TOKEN is not set)"
    if settings.telegram_bot_token:
        mode = f"webhook at {settings.webhook_url}" if settings.webhook_url else "polling"
        telegram = f"{mode}, Bot API {settings.telegram_api_base}"
    staff = settings.staff_chat_id or "not set: `erstkontakt requests list` shows requests"
    print(f"database      {where(settings.database_url)}")
    print(f"schema        {current or 'none yet'} ({state})")
    print(f"languages     {', '.join(app.catalogs.locales)}")
    print("console       erstkontakt chat")
    print(f"telegram      {telegram}")
    print(f"staff chat    {staff}")
