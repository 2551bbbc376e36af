"""The short answers to input the core refuses or cannot place."""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.core import Outcome, stay
from dialogs.validation import MAX_TEXT_CHARS, Rejected, typed_number


def unplaced(ctx: Ctx) -> Outcome:
    """Input no step asked for and the team would not need: say so kindly, show where we are."""
    return stay(
        ctx.t.gettext("Thank you! I cannot use this here. Please choose one of the options below.")
    )


def tried_to_choose(cleaned: str | Rejected) -> bool:
    """Whether text where a choice is expected was meant as one: a bare number, or nothing."""
    if isinstance(cleaned, Rejected):
        return cleaned.reason == "empty"
    return typed_number(cleaned) is not None


def choice_hint(ctx: Ctx, *, count: int, numbered: bool) -> str:
    """Asks for one of the choices on screen; where they are numbers to type, names the range."""
    t = ctx.t
    hint = t.gettext("Please choose one of the options below.")
    if not numbered or count < 1:
        return hint
    numbers = t.gettext("Type a number from {first} to {last}.").format(
        first=t.format_number(1), last=t.format_number(count)
    )
    return f"{hint} {numbers}"


def rejection_note(rejected: Rejected, ctx: Ctx) -> str:
    t = ctx.t
    if rejected.reason == "empty":
        return t.gettext("Your message was empty. Please write a few words.")
    return t.ngettext(
        "Your message is too long for me. Please keep it under {limit} character.",
        "Your message is too long for me. Please keep it under {limit} characters.",
        MAX_TEXT_CHARS,
    ).format(limit=t.format_number(MAX_TEXT_CHARS))


def stale_choice_note(ctx: Ctx) -> str:
    return ctx.t.gettext("That button is from an earlier message. Here is where we are now:")


def edited_note(ctx: Ctx) -> str:
    return ctx.t.gettext(
        "I cannot pass on changes to a message. Please send the new text as a new message."
    )
