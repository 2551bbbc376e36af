"""A small test form with every kind of field, and an engine whose main menu opens it."""

from __future__ import annotations

from typing import Any

from bot.app import App
from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, finish, stay, switch
from dialogs.engine import DialogEngine
from dialogs.flow import Flow
from dialogs.flows import FLOWS
from dialogs.flows.main_menu import Step as MenuStep
from dialogs.forms import Field, Form, Option, form_flow
from dialogs.text import RichText

TOWNS = (
    ("bautzen", "Bautzen", ("Budyšin",)),
    ("hoyerswerda", "Hoyerswerda", ("Wojerecy",)),
    ("kamenz", "Kamenz", ("Kamjenc",)),
    ("radeberg", "Radeberg", ()),
    ("bischofswerda", "Bischofswerda", ("Biskopicy",)),
    ("loebau", "Löbau", ()),
    ("kirschau", "Kirschau", ("Koršow",)),
    ("wilthen", "Wilthen", ("Wjelećin",)),
    ("pulsnitz", "Pulsnitz", ("Połčnica",)),
    ("koenigswartha", "Königswartha", ("Rakecy",)),
    ("crostwitz", "Crostwitz", ("Chrósćicy",)),
    ("elsewhere", "Elsewhere in Saxony", ()),
)
FORM = Form(
    name="test_form",
    fields=(
        Field("name", "What is your name?", "Name", max_length=40),
        Field("email", "Your e-mail address?", "E-mail", kind="email"),
        Field("phone", "Your phone number?", "Phone", kind="phone", optional=True),
        Field(
            "contact_by",
            "How shall we reach you?",
            "Contact",
            kind="choice",
            options=(Option("email", "E-mail"), Option("phone", "Phone")),
        ),
        Field(
            "topics",
            "What do you care about?",
            "Topics",
            kind="choices",
            options=(
                Option("work", "Work"),
                Option("school", "School"),
                Option("housing", "Housing"),
            ),
        ),
        Field(
            "town",
            "Where do you live?",
            "Town",
            kind="choice",
            optional=True,
            options=tuple(Option(v, label, translate=False, also=also) for v, label, also in TOWNS),
        ),
    ),
    on_confirm=lambda values, ctx: confirmed(values, ctx),
)
CONFIRMED: list[dict[str, Any]] = []


async def confirmed(values: dict[str, Any], ctx: Ctx) -> Outcome:
    CONFIRMED.append(values)
    return finish("Thank you, stored.")


def menu(ctx: Ctx) -> Prompt:
    return Prompt(RichText.plain("Test menu"), choices=(choice("menu", "form", label="Form"),))


async def on_menu(event: Incoming, ctx: Ctx) -> Outcome:
    match event:
        case Chosen("menu", "form"):
            return switch("test_form")
    return stay()


TEST_MENU = Flow(name="main_menu", start=MenuStep.MENU, steps={MenuStep.MENU: (menu, on_menu)})


def engine_with_form(app: App) -> DialogEngine:
    """The app's engine, with the test form behind its main menu."""
    base = app.dialogs
    return DialogEngine(
        sessions=app.sessions,
        flows={**FLOWS, "main_menu": TEST_MENU, FORM.name: form_flow(FORM)},
        catalogs=base.catalogs,
        content=base.content,
        clock=base.clock,
        policies=base.policies,
        actions=base.actions,
    )
