"""What happens to free text, media and contacts that the current step did not ask for,
and the short answers to input the core refuses."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.core import Incoming, MediaReceived, Outcome, stay
from dialogs.validation import MAX_TEXT_CHARS, Rejected


def unplaced(event: Incoming, ctx: Ctx) -> Outcome:
    """Input no step asked for: say so kindly and show where we are again."""
    t = ctx.t
    if isinstance(event, MediaReceived):
        return stay(
            t.gettext("Thank you! I cannot use this here. Please choose one of the options below.")
        )
    return stay(
        t.gettext(
            "I did not understand that. Please choose one of the options below, or send /help."
        )
    )


def rejection_note(rejected: Rejected, ctx: Ctx) -> str:
    t = ctx.t
    if rejected.reason == "empty":
        return t.gettext("Your message was empty. Please write a few words.")
    return t.gettext(
        "Your message is too long for me. Please keep it under {limit} characters."
    ).format(limit=t.format_number(MAX_TEXT_CHARS))


def stale_choice_note(ctx: Ctx) -> str:
    return ctx.t.gettext("That button is from an earlier message. Here is where we are now:")
