"""First contact: agree on a language, then hand over to the main menu.

    LANGUAGE ──(a language we offer, pressed or typed by name)──▶ main_menu
       ├──(a number, an empty line)──▶ re-ask with a hint
       └──(anything else)──▶ re-ask; text and media are kept to offer to the team

Every language is listed by its own name. The one the channel hinted at (Telegram's
language_code) comes first and is the language of the greeting; an unknown hint greets in
English, no hint at all in German. /language brings a person back here at any time.
A deep link the person came with (`/start about-07`) is opened once the language is set;
messages written before that (a question, a photo) are then offered to the team.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.content import PROJECT_NAME
from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, Text, choice, finish, go, stay
from dialogs.deep_links import open_link, parse_payload
from dialogs.flow import Flow
from dialogs.flows.ask_the_team import as_pending, offer_to_send, waiting_messages, with_waiting
from dialogs.i18n import language_name
from dialogs.language_names import language_named
from dialogs.text import RichText


class Step(StrEnum):
    LANGUAGE = "language"


def ask_language(ctx: Ctx) -> Prompt:
    """Greet in the pre-selected language and offer every language we have."""
    codes = [ctx.locale, *(code for code in ctx.catalogs.locales if code != ctx.locale)]
    t = ctx.t
    name = ctx.person.first_name
    hello = (
        t.gettext("Hello, {name}!").format(name=t.isolate(name)) if name else t.gettext("Hello!")
    )
    introduction = t.gettext(
        "I am the assistant of the project {project} in Saxony. Which language shall we use?"
    ).format(project=t.quoted(PROJECT_NAME))
    greeting = f"{hello} {introduction}"
    return Prompt(
        text=RichText.plain(greeting),
        choices=tuple(choice("lang", code, label=language_name(code)) for code in codes),
        columns=2,
    )


async def on_language(event: Incoming, ctx: Ctx) -> Outcome:
    """Store the chosen (or typed) language and open the main menu in it."""
    match event:
        case Chosen("lang", code) if code in ctx.catalogs.locales:
            return await _agree_on(code, ctx)
        case Text(text) if (code := language_named(text, ctx.catalogs.locales)) is not None:
            return await _agree_on(code, ctx)
        case _ if (message := as_pending(event)) is not None:
            again = ctx.t.gettext("Please choose one of the languages below.")
            return go(Step.LANGUAGE, note=again, pending=with_waiting(ctx.answers, message))
        case _:
            return stay(ctx.t.gettext("Please choose one of the languages below."))


async def _agree_on(code: str, ctx: Ctx) -> Outcome:
    await ctx.services.people.set_locale(person_id=ctx.person.person_id, locale=code)
    confirmed = ctx.translator(code).gettext("Thank you. We will write in English.")
    link = parse_payload(ctx.answers.get("start_args", ""))
    opened = link and open_link(link, ctx, note=confirmed, locale=code)
    written = waiting_messages(ctx.answers)
    offered = offer_to_send(written, note=confirmed, locale=code)
    return opened or offered or finish(confirmed, locale=code)


FLOW = Flow(
    name="first_contact",
    start=Step.LANGUAGE,
    steps={Step.LANGUAGE: (ask_language, on_language)},
    keeps_text=frozenset({Step.LANGUAGE}),
)
