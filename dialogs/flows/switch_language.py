"""Switch language: offered once, when someone writes in another language than the chosen
one. The offer is written in the language they wrote in.

    OFFER ──lang:<suggested>──▶ the offer to send the text to the team, in that language
      ├──lang:keep──▶ the offer to send the text to the team, as before
      └──(more text or media)──▶ OFFER; it joins the text kept for the team

Either way the text goes on as it would have without the offer.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs.context import Ctx
from dialogs.core import Chosen, Incoming, Outcome, Prompt, choice, finish, go, stay
from dialogs.flow import Flow
from dialogs.flows.ask_the_team import as_pending, offer_to_send, waiting_messages, with_waiting
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
    """Switch to the suggested language, or keep the current one; then go on with what the
    person wrote."""
    written = waiting_messages(ctx.answers)
    match event:
        case Chosen("lang", "keep"):
            return offer_to_send(written) or finish()
        case Chosen("lang", code) if code == ctx.answers["suggested"]:
            await ctx.services.people.set_locale(person_id=ctx.person.person_id, locale=code)
            confirmed = ctx.translator(code).gettext("Thank you. We will write in English.")
            return offer_to_send(written, note=confirmed, locale=code) or finish(
                confirmed, locale=code
            )
        case _ if (message := as_pending(event)) is not None:
            return go(Step.OFFER, pending=with_waiting(ctx.answers, message))
        case _:
            return stay()


FLOW = Flow(
    name="switch_language",
    start=Step.OFFER,
    steps={Step.OFFER: (ask_offer, on_offer)},
    keeps_text=frozenset({Step.OFFER}),
)
