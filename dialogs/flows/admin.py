"""The admin menu (/admin): only admins reach it, and every service it calls checks the
role again, so that a hidden button is never the only guard.

MENU ──export:xlsx / export:csv──▶ MENU, the open requests as a file
  ├──admin:week──▶ WEEK, the times offered for initial conversations this week
  └──nav:menu──▶ main_menu
WEEK ──week:<n>──▶ WEEK, another week
  └──admin:menu──▶ MENU
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from enum import StrEnum

from dialogs import request_export
from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, finish, go, stay, switch
from dialogs.flow import Flow
from dialogs.i18n import N_
from dialogs.text import RichText
from storage.clock import BERLIN
from storage.exports import as_csv, as_xlsx
from storage.roles import NotAllowed
from storage.services.bookings import SlotView

log = logging.getLogger(__name__)
FORMATS = {"xlsx": as_xlsx, "csv": as_csv}


class Step(StrEnum):
    MENU = "menu"
    WEEK = "week"


def ask_menu(ctx: Ctx) -> Prompt:
    """Offer what admins can do."""
    t = ctx.t
    return Prompt(
        text=RichText.plain(t.gettext("Admin menu. What would you like to do?")),
        choices=(
            choice("export", "xlsx", label=t.gettext("Open requests as a spreadsheet (XLSX)")),
            choice("export", "csv", label=t.gettext("Open requests as CSV")),
            choice("admin", "week", label=t.gettext("Times offered for initial conversations")),
            choice("nav", "menu", label=t.gettext("Back to the menu")),
        ),
    )


async def on_menu(event: Incoming, ctx: Ctx) -> Outcome:
    """Send the chosen export, or leave the admin menu."""
    match event:
        case Chosen("export", kind) if kind in FORMATS:
            return await _export_open_requests(ctx, kind)
        case Chosen("admin", "week"):
            return go(Step.WEEK, week=0)
        case Chosen("nav", "menu"):
            return switch("main_menu")
        case _:
            return stay()


async def _export_open_requests(ctx: Ctx, kind: str) -> Outcome:
    t = ctx.t
    try:
        table = await request_export.open_requests(
            ctx.services.request_reports, role=ctx.role, t=t, now=ctx.clock.now()
        )
    except NotAllowed:
        log.warning("export refused: not an admin person=%s", ctx.person.id)
        return finish(t.gettext("Only admins can do this."))
    if not table.rows:
        return stay(t.gettext("There are no open requests."))
    count = len(table.rows)
    note = t.ngettext("{count} open request.", "{count} open requests.", count)
    return stay(note.format(count=t.format_number(count)), file=FORMATS[kind](table))


async def ask_week(ctx: Ctx) -> Prompt:
    """The times offered in one week, booked or free, with the weeks around it."""
    t = ctx.t
    week = int(ctx.answers.get("week", 0))
    start = _monday(ctx.clock.now()) + timedelta(weeks=week)
    shown = await ctx.services.slots.listed(start=start, end=start + timedelta(weeks=1))
    heading = t.gettext("Times offered in the week from {day}:")
    lines = [heading.format(day=t.format_day(start))]
    lines += [_line(slot, ctx) for slot in shown] or [t.gettext("No times offered in this week.")]
    terminal = t.gettext(
        "Times are added and removed at a terminal: erstkontakt slots add, list, remove, import."
    )
    return Prompt(
        text=RichText.plain("\n".join(lines)) + RichText.plain(terminal),
        choices=(
            choice("week", week - 1, label=t.gettext("◀ Previous week")),
            choice("week", week + 1, label=t.gettext("Next week ▶")),
            choice("admin", "menu", label=t.gettext("Admin menu")),
        ),
        columns=2,
    )


async def on_week(event: Incoming, ctx: Ctx) -> Outcome:
    """Turn the week, or go back to the admin menu."""
    match event:
        case Chosen("week", week) if week.lstrip("-").isdigit():
            return go(Step.WEEK, week=int(week))
        case Chosen("admin", "menu"):
            return go(Step.MENU)
        case _:
            return stay()


MODES = {"phone": N_("by phone"), "video": N_("by video"), "in_person": N_("in person")}


def _line(slot: SlotView, ctx: Ctx) -> str:
    t = ctx.t
    length = t.ngettext("{count} minute", "{count} minutes", slot.minutes)
    parts = (
        t.format_moment(slot.starts_at, now=ctx.clock.now()),
        length.format(count=t.format_number(slot.minutes)),
        t.gettext(MODES.get(slot.mode, slot.mode)),
        t.isolate(slot.staff_name),
        t.gettext("booked") if slot.booked else t.gettext("free"),
    )
    return "• " + " · ".join(parts)


def _monday(now: datetime) -> datetime:
    """The start of this week in Berlin, Monday 0:00."""
    local = now.astimezone(BERLIN).replace(hour=0, minute=0, second=0, microsecond=0)
    return local - timedelta(days=local.weekday())


FLOW = Flow(
    name="admin",
    start=Step.MENU,
    steps={Step.MENU: (ask_menu, on_menu), Step.WEEK: (ask_week, on_week)},
)
