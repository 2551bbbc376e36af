"""`erstkontakt run | chat | migrate | requests | slots | qr | info | backup | restore`: loads the
settings, builds the App, serves.

aiogram is imported only where Telegram is used, so the console chat starts fast.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import signal
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot import cli_reports, cli_slots
from bot.app import App
from bot.config import Settings, SettingsError, load_settings
from bot.logging import configure_logging
from storage import backup
from storage.db import where

log = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"erstkontakt: {error}", file=sys.stderr)
        return 2
    # In the terminal chat, log lines would interleave with the conversation.
    console = args.command == "chat" or (args.command == "run" and not settings.telegram_bot_token)
    configure_logging("WARNING" if console else settings.log_level)
    try:
        return asyncio.run(_run(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of a piped chat went away (`… | head`): stop quietly.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


DESCRIPTION = (
    "Erstkontakt, the assistant of the project “Diversität in Institutionen der "
    "Migrationsgesellschaft”. Settings come from the environment (and a .env file)."
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="erstkontakt", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=summary,
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )

    command("run", "serve: Telegram when TELEGRAM_BOT_TOKEN is set, else the console chat")
    chat = command("chat", "chat in this terminal")
    chat.add_argument("--as", dest="name", default="local", help="who you are in the chat")
    command("migrate", "bring the database to the newest migration")
    requests = command("requests", "the requests to the team: list them, or show one")
    actions = requests.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser(
        "list",
        help="the newest requests, one line each",
        description="the newest requests, one line each",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    listing.add_argument("--limit", type=_count, default=50, help="show at most this many, 0: all")
    show = actions.add_parser(
        "show", help="one request with all its messages", description="one request, whole"
    )
    show.add_argument("number", type=int, help="the request's number, e.g. 12 for #12")
    export = actions.add_parser(
        "export",
        help="the open requests as a spreadsheet (XLSX) and as CSV, for admins",
        description="the open requests as a spreadsheet (XLSX) and as CSV, for admins",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    export.add_argument("--out", type=Path, default=Path(), help="folder for the files")
    export.add_argument("--language", default="de", help="the language of the headers")
    cli_slots.add_commands(commands)
    command("info", "the database, its schema version, the languages and the channels")
    qr = command("qr", "a QR code (PNG and SVG) of a deep link, for posters")
    qr.add_argument("payload", help="the deep link, e.g. about-07--poster_bautzen")
    qr.add_argument("--out", type=Path, default=Path(), help="folder for the files")
    command("backup", "copy the SQLite database now (the bot may go on running)")
    restore = command(
        "restore", "put a backup in place of the SQLite database (stop the bot first)"
    )
    restore.add_argument("file", type=Path, help="a backup, e.g. data/backups/erstkontakt-….sqlite")
    return parser


def _count(text: str) -> int:
    number = int(text)
    if number < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {number}")
    return number


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "qr":
        return _write_qr(args.payload, args.out, settings)
    app = App.build(settings)
    try:
        if args.command in ("backup", "restore"):
            return await _backup_or_restore(app, args)
        if args.command == "info":
            await cli_reports.print_info(app)
            return 0
        await app.migrate()
        if args.command == "migrate":
            return 0
        if args.command == "requests":
            return await _requests(app, args)
        if args.command == "slots":
            return await cli_slots.run(app, args)
        if args.command == "run" and settings.telegram_bot_token:
            from bot.channels.telegram import CannotStart, TelegramChannel

            if settings.staff_chat_id is None:
                log.warning(
                    "STAFF_CHAT_ID is not set: requests to the team are stored; "
                    "`erstkontakt requests list` shows them"
                )

            channel = TelegramChannel(
                engine=app.dialogs,
                settings=settings,
                workers=app.workers,
            )
            # The quarter million objects of the loaded libraries live as long as the
            # process: exempt them from the collector, whose full passes over them took
            # over 100 ms, a stall every person waiting at that moment would feel.
            gc.freeze()
            try:
                await _until_terminated(app.serve(channel))
            except CannotStart as error:
                print(f"erstkontakt: {error}", file=sys.stderr)
                return 1
            return 0
        from bot.channels.console import ConsoleChannel

        leaving = (
            "; Ctrl-D ends the chat, the next one goes on from there" if sys.stdin.isatty() else ""
        )
        print(f"database: {where(settings.database_url)}{leaving}", file=sys.stderr)
        console = ConsoleChannel(
            app.dialogs,
            name=getattr(args, "name", "local"),
            people=app.workers.people,
            files=(app.database_file.parent if app.database_file else Path()) / "files",
        )
        await app.serve(console)
        return 0
    finally:
        await app.close()


async def _backup_or_restore(app: App, args: argparse.Namespace) -> int:
    if app.database_file is None:
        print(
            "erstkontakt: the database is PostgreSQL: back it up with pg_dump, "
            "put it back with pg_restore",
            file=sys.stderr,
        )
        return 2
    if args.command == "backup":
        print(await app.back_up())
        return 0
    try:
        before = backup.restore(
            args.file, app.database_file, folder=app.backups, now=app.clock.now()
        )
    except backup.NotABackup as error:
        print(f"erstkontakt: {error}", file=sys.stderr)
        return 1
    print(f"restored {args.file}")
    if before is not None:
        print(f"the database as it was: {before}")
    return 0


async def _until_terminated(serving: Coroutine[Any, Any, None]) -> None:
    """Serve until SIGTERM (systemd, docker stop) or SIGINT, then stop receiving, close the
    connections and exit 0."""
    task = asyncio.ensure_future(serving)
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, task.cancel)
    try:
        await task
    except asyncio.CancelledError:
        log.info("stopped by signal")
    finally:
        for stop_signal in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(stop_signal)


def _write_qr(payload: str, folder: Path, settings: Settings) -> int:
    from bot.qr import QrError, write_deep_link_qr
    from dialogs.content import ContentLibrary
    from dialogs.deep_links import targets
    from dialogs.i18n import DEFAULT_LOCALE, LOCALES_DIR
    from storage.clock import SystemClock

    pages = ContentLibrary(LOCALES_DIR, clock=SystemClock()).pages(DEFAULT_LOCALE, "about")
    try:
        written = write_deep_link_qr(
            payload,
            folder,
            username=settings.telegram_bot_username,
            targets=targets([page.slug for page in pages]),
        )
    except QrError as error:
        print(f"erstkontakt: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


async def _requests(app: App, args: argparse.Namespace) -> int:
    if args.action == "list":
        await cli_reports.list_requests(app, args.limit or None)
        return 0
    if args.action == "export":
        if args.language not in app.catalogs.locales:
            known = ", ".join(app.catalogs.locales)
            print(f"erstkontakt: no language {args.language!r}; one of: {known}", file=sys.stderr)
            return 2
        files = await cli_reports.open_requests_files(app, args.language)
        for path in cli_reports.write_files(files, args.out):
            print(path)
        return 0
    if not await cli_reports.show_request(app, args.number):
        print(f"erstkontakt: there is no request #{args.number}", file=sys.stderr)
        return 1
    return 0
