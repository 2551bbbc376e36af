"""Consent before personal data is stored for a purpose: one sentence on what is stored,
for what and for how long, the privacy page one press away, and the person's agreement,
recorded with the version of what they were shown (GDPR Art. 7(1): the operator must be
able to show it). Each flow that stores personal data asks through here.
"""

from __future__ import annotations

from dialogs.context import Ctx
from dialogs.core import Choice, choice
from dialogs.flows.privacy import SECTION as PRIVACY
from dialogs.text import RichText
from storage.models.consents import Purpose


def sentence(ctx: Ctx, purpose: Purpose) -> str:
    """What is stored for `purpose`, what for and how long, in the person's language."""
    t = ctx.t
    match purpose:
        case Purpose.STAFF_REQUESTS:
            days = ctx.policies.request_retention_days
            return t.ngettext(
                "What happens with your message: it is stored, the team reads it, and it is "
                "deleted {days} day after your request is closed.",
                "What happens with your message: it is stored, the team reads it, and it is "
                "deleted {days} days after your request is closed.",
                days,
            ).format(days=t.format_number(days))
    raise ValueError(f"no consent text for {purpose}")


def more_about_privacy(ctx: Ctx) -> Choice:
    return choice("consent", "privacy", label=ctx.t.gettext("More about privacy"))


def privacy_page(ctx: Ctx) -> RichText:
    """The full privacy page, for a person who wants to read it before agreeing."""
    [page, *_] = ctx.content.pages(ctx.locale, PRIVACY)
    return RichText.heading(page.title) + page.body


async def given(ctx: Ctx, purpose: Purpose) -> bool:
    """Whether the person agreed for `purpose` and has not taken it back."""
    return await ctx.services.consents.has_agreed(person_id=ctx.person.person_id, purpose=purpose)


async def record(ctx: Ctx, purpose: Purpose) -> None:
    """The person agreed to what they were shown for `purpose`: the sentence and the page
    behind the privacy button, in their language."""
    shown = f"{sentence(ctx, purpose)}\n\n{privacy_page(ctx).plain_text}"
    await ctx.services.consents.record(
        person_id=ctx.person.person_id,
        purpose=purpose,
        text=shown,
        locale=ctx.locale,
        now=ctx.clock.now(),
    )
