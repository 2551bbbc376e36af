"""`erstkontakt slots add | list | remove | import`: staff publish the times for initial
conversations at a terminal (times in Europe/Berlin). Whoever runs the command has the
database in hand: an admin."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bot.app import App
from storage.clock import BERLIN
from storage.roles import Role
from storage.services.bookings import BadSlot, NewSlot, Slots
from storage.slot_files import UnreadableFile, parse_start, read_slots
from storage.uow import UnitOfWork


def add_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """The `slots` command and its actions."""
    slots = commands.add_parser(
        "slots",
        help="the times offered for initial conversations: add, list, remove, import",
        description="the times offered for initial conversations (Europe/Berlin)",
    )
    actions = slots.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="offer one time", description="offer one time")
    add.add_argument("start", type=_start, help='e.g. "2026-12-10 10:00" (Europe/Berlin)')
    add.add_argument("--minutes", type=int, default=60, help="how long (default 60)")
    add.add_argument("--mode", choices=("phone", "video", "in_person"), default="video")
    add.add_argument("--place", help="the video link, or the address (not for phone)")
    add.add_argument("--staff", required=True, help="the team member, e.g. Hamida Taamiri")
    listing = actions.add_parser(
        "list", help="the times of a week, booked or free", description="the times of a week"
    )
    listing.add_argument("--from", dest="first", type=_day, help="the first day, YYYY-MM-DD")
    listing.add_argument("--days", type=int, default=7, help="how many days (default 7)")
    remove = actions.add_parser(
        "remove", help="take back a time nobody booked", description="take back a time"
    )
    remove.add_argument("id", type=int, help="the slot's number, as `slots list` shows it")
    imported = actions.add_parser(
        "import",
        help="offer many times from a CSV or YAML file: all or none",
        description="columns start;minutes;mode;place;staff; a bad line imports nothing",
    )
    imported.add_argument("file", type=Path)


async def run(app: App, args: argparse.Namespace) -> int:
    now = app.clock.now()
    async with UnitOfWork(app.sessions) as uow:
        slots = Slots(uow.session)
        match args.action:
            case "add":
                new = NewSlot(args.start, args.minutes, args.mode, args.place, args.staff)
                result = await slots.publish(new, role=Role.ADMIN, now=now)
                if isinstance(result, BadSlot):
                    return _refused(f"not offered: {result.reason}")
                print(f"slot {result}: {_berlin(args.start)}, {args.minutes} min, {args.mode}")
            case "list":
                first = args.first or now.astimezone(BERLIN).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                shown = await slots.listed(start=first, end=first + timedelta(days=args.days))
                if not shown:
                    print("no times offered then")
                for s in shown:
                    state = "booked" if s.booked else "free"
                    print(
                        f"{s.id:>5}  {_berlin(s.starts_at)}  {s.minutes:>3} min  "
                        f"{s.mode:<9} {state:<6} {s.staff_name}  {s.place or ''}"
                    )
            case "remove":
                if not await slots.remove(args.id, role=Role.ADMIN, now=now):
                    return _refused(f"slot {args.id} is booked or does not exist")
                print(f"slot {args.id} removed")
            case "import":
                return await _import(slots, args.file, now)
    return 0


async def _import(slots: Slots, path: Path, now: datetime) -> int:
    try:
        rows = read_slots(path)
    except (OSError, UnreadableFile) as error:
        return _refused(f"cannot import {path}: {error}")
    report = await slots.import_all(rows, role=Role.ADMIN, now=now)
    if report.problems:
        for problem in report.problems:
            print(f"{path.name}, line {problem.line}: {problem.reason}", file=sys.stderr)
        return _refused(f"nothing imported: {_count(len(report.problems), 'bad line')}")
    print(f"{_count(report.imported, 'slot')} imported")
    return 0


def _count(number: int, thing: str) -> str:
    return f"{number} {thing}" if number == 1 else f"{number} {thing}s"


def _refused(message: str) -> int:
    print(f"erstkontakt: {message}", file=sys.stderr)
    return 1


def _start(text: str) -> datetime:
    try:
        return parse_start(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected e.g. 2026-12-10 10:00") from None


def _day(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=BERLIN)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected e.g. 2026-12-10") from None


def _berlin(moment: datetime) -> str:
    return f"{moment.astimezone(BERLIN):%Y-%m-%d %H:%M}"
