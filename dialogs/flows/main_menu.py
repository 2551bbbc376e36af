"""The main menu: everything a person can do, one press away.

MENU ──about──▶ about
  ├──language──▶ first_contact
  └──(a capability still being built)──▶ MENU, with a "coming soon" note
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, stay, switch
from dialogs.flow import Flow
from dialogs.i18n import N_
from dialogs.text import RichText

ENTRIES = (
    ("about", N_("About the project")),
    ("conversation", N_("Book an initial conversation")),
    ("trainings", N_("Trainings")),
    ("bautzen", N_("Take part in Landkreis Bautzen")),
    ("ask", N_("Ask the team")),
    ("privacy", N_("Privacy")),
    ("language", N_("Language")),
)
OPENS_FLOW = {
    "about": "about",
    "ask": "ask_the_team",
    "privacy": "privacy",
    "language": "first_contact",
}


class Step(StrEnum):
    MENU = "menu"


def ask_menu(ctx: Ctx) -> Prompt:
    """Offer every entry of the menu."""
    return Prompt(
        text=RichText.plain(ctx.t.gettext("What would you like to do?")),
        choices=tuple(choice("menu", key, label=ctx.t.gettext(label)) for key, label in ENTRIES),
    )


async def on_menu(event: Incoming, ctx: Ctx) -> Outcome:
    """Open the chosen entry's flow, or say that it is coming soon."""
    match event:
        case Chosen("menu", key) if key in OPENS_FLOW:
            return switch(OPENS_FLOW[key])
        case Chosen("menu", _):
            return stay(
                ctx.t.gettext(
                    "This is coming soon. Until then, you can read about the project here."
                )
            )
        case _:
            return stay()


FLOW = Flow(name="main_menu", start=Step.MENU, steps={Step.MENU: (ask_menu, on_menu)})
