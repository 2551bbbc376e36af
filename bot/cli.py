"""`erstkontakt run | chat | migrate | requests | qr`: loads the settings, builds the App,
serves.

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

from bot.app import App
from bot.config import Settings, SettingsError, load_settings
from bot.logging import configure_logging

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
    requests = command("requests", "list the requests to the team")
    requests.add_argument("action", choices=["list"], help="what to do")
    requests.add_argument("--limit", type=int, default=50, help="show at most this many")
    qr = command("qr", "a QR code (PNG and SVG) of a deep link, for posters")
    qr.add_argument("payload", help="the deep link, e.g. about-07--poster_bautzen")
    qr.add_argument("--out", type=Path, default=Path(), help="folder for the files")
    return parser


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "qr":
        return _write_qr(args.payload, args.out, settings)
    app = App.build(settings)
    try:
        await app.migrate()
        if args.command == "migrate":
            return 0
        if args.command == "requests":
            await _list_requests(app, args.limit)
            return 0
        if args.command == "run" and settings.telegram_bot_token:
            from bot.channels.telegram import CannotStart, TelegramChannel

            if settings.staff_chat_id is None:
                log.warning(
                    "STAFF_CHAT_ID is not set: requests to the team are stored; "
                    "`erstkontakt requests list` shows them"
                )

            channel = TelegramChannel(engine=app.dialogs, settings=settings, sessions=app.sessions)
            # The quarter million objects of the loaded libraries live as long as the
            # process: exempt them from the collector, whose full passes over them took
            # over 100 ms, a stall every person waiting at that moment would feel.
            gc.freeze()
            try:
                await _until_terminated(channel.serve())
            except CannotStart as error:
                print(f"erstkontakt: {error}", file=sys.stderr)
                return 1
            return 0
        from bot.channels.console import ConsoleChannel

        await ConsoleChannel(app.dialogs, name=getattr(args, "name", "local")).serve()
        return 0
    finally:
        await app.close()


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

    try:
        written = write_deep_link_qr(payload, folder, username=settings.telegram_bot_username)
    except QrError as error:
        print(f"erstkontakt: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


async def _list_requests(app: App, limit: int) -> None:
    """Print the newest requests, for staff working without a staff chat."""
    from storage.services import Services
    from storage.uow import UnitOfWork

    async with UnitOfWork(app.sessions) as uow:
        summaries = await Services.bind(uow.session).tickets.summaries(limit=limit)
    if not summaries:
        print("no requests")
    for item in summaries:
        first = (item.first_text or "(media)").replace("\n", " ")
        print(
            f"#{item.ticket_id} {item.status:<8} {item.created_at:%Y-%m-%d %H:%M} UTC "
            f"person={item.person_id} lang={item.locale} messages={item.messages}  {first[:60]}"
        )
