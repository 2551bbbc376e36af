"""Switch language: offered once, when someone writes in another language than the chosen
one. The offer is written in the language they wrote in.

    OFFER ──lang:<suggested>──▶ main_menu in that language
      └──lang:keep──▶ main_menu as before
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, finish, stay
from dialogs.flow import Flow
from dialogs.i18n import language_name
from dialogs.text import RichText


class Step(StrEnum):
    OFFER = "offer"


def ask_offer(ctx: Ctx) -> Prompt:
    """Ask, in the language they wrote in, whether to continue in it."""
    suggested = str(ctx.answers["suggested"])
    theirs = ctx.translator(suggested)
    question = theirs.gettext("It looks like you write in {language}. Shall we switch?")
    return Prompt(
        text=RichText.plain(question.format(language=language_name(suggested))),
        choices=(
            choice("lang", suggested, label=theirs.gettext("Yes, switch")),
            choice(
                "lang",
                "keep",
                label=ctx.t.gettext("No, keep {language}").format(
                    language=language_name(ctx.locale)
                ),
            ),
        ),
    )


async def on_offer(event: Incoming, ctx: Ctx) -> Outcome:
    """Switch to the suggested language, or keep the current one."""
    match event:
        case Chosen("lang", "keep"):
            return finish()
        case Chosen("lang", code) if code == ctx.answers["suggested"]:
            await ctx.services.people.set_locale(person_id=ctx.person.person_id, locale=code)
            confirmed = ctx.translator(code).gettext("Thank you. We will write in English.")
            return finish(confirmed, locale=code)
        case _:
            return stay()


FLOW = Flow(name="switch_language", start=Step.OFFER, steps={Step.OFFER: (ask_offer, on_offer)})
