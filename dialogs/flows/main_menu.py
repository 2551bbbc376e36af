"""The main menu: everything a person can do, one press away.

MENU ──about──▶ about
  ├──ask──▶ ask_the_team
  ├──privacy──▶ privacy
  ├──language──▶ first_contact
  └──(a capability still being built)──▶ about, its topic's page (with "Ask the team")
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, stay, switch
from dialogs.flow import Flow
from dialogs.flows import about
from dialogs.i18n import N_
from dialogs.text import RichText

ENTRIES = (
    ("about", N_("About the project")),
    ("conversation", N_("Book an initial conversation")),
    ("trainings", N_("Trainings")),
    ("bautzen", N_("Take part in the district of Bautzen")),
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
# Until their flows are built, these entries open the About page on their topic, from where
# the team is one press away.
OPENS_PAGE = {
    "conversation": "11-cooperation",
    "trainings": "03-trainings",
    "bautzen": "07-bautzen",
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
    """Open the chosen entry's flow, or the About page on its topic."""
    match event:
        case Chosen("menu", key) if key in OPENS_FLOW:
            return switch(OPENS_FLOW[key])
        case Chosen("menu", key) if key in OPENS_PAGE:
            return about.open_page(OPENS_PAGE[key], ctx)
        case _:
            return stay()


FLOW = Flow(name="main_menu", start=Step.MENU, steps={Step.MENU: (ask_menu, on_menu)})
