"""The admin menu (/admin): only admins reach it, and every service it calls checks the
role again, so that a hidden button is never the only guard.

MENU ──export:xlsx / export:csv──▶ MENU, the open requests as a file
  └──nav:menu──▶ main_menu
"""

from __future__ import annotations

import logging
from enum import StrEnum

from dialogs import request_export
from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, finish, stay, switch
from dialogs.flow import Flow
from dialogs.text import RichText
from storage.exports import as_csv, as_xlsx
from storage.roles import NotAllowed

log = logging.getLogger(__name__)
FORMATS = {"xlsx": as_xlsx, "csv": as_csv}


class Step(StrEnum):
    MENU = "menu"


def ask_menu(ctx: Ctx) -> Prompt:
    """Offer what admins can do."""
    t = ctx.t
    return Prompt(
        text=RichText.plain(t.gettext("Admin menu. What would you like to do?")),
        choices=(
            choice("export", "xlsx", label=t.gettext("Open requests as a spreadsheet (XLSX)")),
            choice("export", "csv", label=t.gettext("Open requests as CSV")),
            choice("nav", "menu", label=t.gettext("Back to the menu")),
        ),
    )


async def on_menu(event: Incoming, ctx: Ctx) -> Outcome:
    """Send the chosen export, or leave the admin menu."""
    match event:
        case Chosen("export", kind) if kind in FORMATS:
            return await _export_open_requests(ctx, kind)
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


FLOW = Flow(name="admin", start=Step.MENU, steps={Step.MENU: (ask_menu, on_menu)})
