"""Privacy: what happens with a person's data, as a content page staff can edit.

PAGE ──ask──▶ ask_the_team
  └──menu──▶ main_menu
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, stay, switch
from dialogs.flow import Flow
from dialogs.text import RichText

SECTION = "privacy"


class Step(StrEnum):
    PAGE = "page"


def ask_page(ctx: Ctx) -> Prompt:
    """Show the privacy page, then offer to write to the team or go back."""
    [page, *_] = ctx.content.pages(ctx.locale, SECTION)
    return Prompt(
        text=RichText.heading(page.title) + page.body,
        choices=(
            choice("nav", "ask", label=ctx.t.gettext("Ask the team")),
            choice("nav", "menu", label=ctx.t.gettext("Back to the menu")),
        ),
    )


async def on_page(event: Incoming, ctx: Ctx) -> Outcome:
    """Follow the choice below the page."""
    match event:
        case Chosen("nav", "ask"):
            return switch("ask_the_team")
        case Chosen("nav", "menu"):
            return switch("main_menu")
        case _:
            return stay()


FLOW = Flow(name="privacy", start=Step.PAGE, steps={Step.PAGE: (ask_page, on_page)})
