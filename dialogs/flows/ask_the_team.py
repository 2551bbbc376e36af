"""Ask the team: anyone can send the team a question, in their language, as text, voice
message, photo or document. Every message is stored before anything else happens.

    WRITE ──text / media──▶ WRITE ("it reached the team"; more messages join the request,
      │                         each confirmed quietly: a reaction, or a short line)
      ├──text / media, no consent yet──▶ CONFIRM
      ├──privacy──▶ privacy
      └──menu──▶ main_menu
    CONFIRM ──send:yes──▶ WRITE, the waiting messages are stored (and the consent)
       ├──text / media──▶ CONFIRM, the message joins those waiting
       ├──consent:privacy──▶ CONFIRM, below the privacy page
       └──send:no──▶ main_menu, nothing stored

While the person is in WRITE, their free text goes to the team as it is (until /menu).
Until they agree to it, one sentence says what happens with the message, and their first
message waits for their agreement.
"""

from __future__ import annotations

from enum import StrEnum

from dialogs import consent
from dialogs.context import Ctx
from dialogs.core import (
    Chosen,
    ContactShared,
    Incoming,
    MediaReceived,
    Outcome,
    Prompt,
    Text,
    acknowledge,
    choice,
    finish,
    go,
    stay,
    switch,
)
from dialogs.flow import Flow
from dialogs.i18n import N_
from dialogs.text import RichText
from storage.models.consents import Purpose
from storage.services.outbox import staff_queue

PURPOSE = Purpose.STAFF_REQUESTS

# Media a person may send to the team; stickers, locations and the like are not requests.
FORWARDABLE = frozenset({"photo", "voice", "audio", "video", "document"})
# Messages kept while a person has not yet agreed to send them (a language to choose, or
# the question whether to send): enough for anyone, bounded for the conversation's row.
MAX_WAITING = 20

Pending = dict[str, str | None]


class Step(StrEnum):
    WRITE = "write"
    CONFIRM = "confirm"


async def ask_write(ctx: Ctx) -> Prompt:
    """Invite the message; before the first request, say what happens with it."""
    t = ctx.t
    back = (
        choice("nav", "privacy", label=t.gettext("More about privacy")),
        choice("nav", "menu", label=t.gettext("Back to the menu")),
    )
    if ctx.answers.get("sent"):
        more = t.gettext("You can write more. It all goes to the same request.")
        return Prompt(text=RichText.plain(more), choices=back)
    invite = t.gettext(
        "Write your question for the team. You can also send a voice message, "
        "a photo or a document."
    )
    if not await consent.given(ctx, PURPOSE):
        invite = f"{consent.sentence(ctx, PURPOSE)}\n\n{invite}"
    return Prompt(text=RichText.plain(invite), choices=back)


async def on_write(event: Incoming, ctx: Ctx) -> Outcome:
    """Store the message for the team and say it arrived; a first one waits for consent."""
    match event:
        case Chosen("nav", "menu"):
            return switch("main_menu")
        case Chosen("nav", "privacy"):
            return switch("privacy")
        case ContactShared(phone):
            contact: Pending = {
                "kind": "contact",
                "text": phone,
                "file_ref": None,
                "source_ref": None,
            }
            return await _store_once_agreed(ctx, contact)
        case _ if (message := as_pending(event)) is not None:
            return await _store_once_agreed(ctx, message)
        case _:
            return stay(ctx.t.gettext("Thank you! I cannot pass this on. Please write a text."))


async def _store_once_agreed(ctx: Ctx, message: Pending) -> Outcome:
    if await consent.given(ctx, PURPOSE):
        return await _store(ctx, [message], quietly=True)
    return go(Step.CONFIRM, pending=with_waiting(ctx.answers, message))


async def ask_confirm(ctx: Ctx) -> Prompt:
    """Ask whether the waiting messages should go to the team; until the person agreed to
    it, say what happens with them."""
    t = ctx.t
    question = t.gettext("Shall I send your message to the team?")
    yes = choice("send", "yes", label=t.gettext("Yes, send it to the team"))
    no = choice("send", "no", label=t.gettext("No, thank you"))
    if await consent.given(ctx, PURPOSE):
        return Prompt(text=RichText.plain(question), choices=(yes, no))
    text = f"{consent.sentence(ctx, PURPOSE)}\n\n{question}"
    return Prompt(text=RichText.plain(text), choices=(yes, consent.more_about_privacy(ctx), no))


async def on_confirm(event: Incoming, ctx: Ctx) -> Outcome:
    """Send the waiting messages (agreeing to what was said), or drop them; another message
    joins them."""
    waiting = waiting_messages(ctx.answers)
    match event:
        case Chosen("send", "yes") if waiting:
            if not await consent.given(ctx, PURPOSE):
                await consent.record(ctx, PURPOSE)
            return await _store(ctx, waiting)
        case Chosen("send", "no") if waiting:
            return finish(
                ctx.t.gettext("All right: your message was not sent, and nothing of it was stored.")
            )
        case Chosen("send", _):
            return finish()
        case Chosen("consent", "privacy"):
            return stay(consent.privacy_page(ctx), in_place=False)
        case _ if (message := as_pending(event)) is not None:
            return go(Step.CONFIRM, pending=with_waiting(ctx.answers, message))
        case _:
            return stay()


async def _store(ctx: Ctx, waiting: list[Pending], *, quietly: bool = False) -> Outcome:
    """Store the messages; a new request gets the full receipt, a follow-up a quiet one
    (where the person wrote it: a reaction on the message) so that ten messages do not
    bring ten copies of the same text."""
    new_request = False
    for message in waiting:
        receipt = await ctx.services.tickets.add_from_person(
            person_id=ctx.person.person_id,
            identity_id=ctx.person.id,
            locale=ctx.locale,
            kind=str(message["kind"]),
            text=message["text"],
            file_ref=message["file_ref"],
            source_ref=message["source_ref"],
            now=ctx.clock.now(),
        )
        new_request |= receipt.new_request
    t = ctx.t
    if not new_request:
        sent = t.gettext("✓ Sent to the team.")
        if quietly:
            return acknowledge(sent, message_ref=waiting[-1]["source_ref"])
        return go(Step.WRITE, note=sent, sent=True, pending=[])
    days = ctx.policies.answer_within_working_days
    usually = t.ngettext(
        "The team usually answers within {days} working day.",
        "The team usually answers within {days} working days.",
        days,
    ).format(days=t.format_number(days))
    if await ctx.services.outbox.staff_chat_failing():  # say what is true: it is only kept
        arrived = t.gettext(
            "Thank you. Your message is kept safe and will reach the team as soon as it can "
            "be passed on. The answer will come here, in this chat."
        )
    else:
        arrived = t.gettext(
            "Thank you. Your message has reached the team. The answer will come here, in this chat."
        )
    arrived = f"{arrived} {usually}"
    return go(Step.WRITE, note=_after_hours(ctx, arrived), sent=True, pending=[])


def _after_hours(ctx: Ctx, arrived: str) -> RichText:
    """Outside office hours: when the team is back, and where to turn if it is urgent."""
    hours = ctx.policies.office_hours
    now = ctx.clock.now()
    if hours is None or hours.is_open(now):
        return RichText.plain(arrived)
    back = ctx.t.gettext(
        "The team is not at work now. It will read your message when it is back: {when}."
    )
    when = ctx.t.format_moment(hours.next_opening(now), now=now)
    urgent = ctx.content.pages(ctx.locale, "urgent")
    note = RichText.plain(f"{arrived}\n\n{back.format(when=when)}")
    return note + (urgent[0].body if urgent else RichText(()))


def as_pending(event: Incoming) -> Pending | None:
    """What of `event` could go to the team (text, photo, voice...), kept until confirmed."""
    match event:
        case Text(text, message_ref):
            return {"kind": "text", "text": text, "file_ref": None, "source_ref": message_ref}
        case MediaReceived(kind) if kind in FORWARDABLE:
            return {
                "kind": kind,
                "text": event.caption,
                "file_ref": event.file_ref,
                "source_ref": event.message_ref,
            }
        case _:
            return None


def to_wait(event: Incoming) -> list[Pending]:
    """`event` as the start of a list of waiting messages: empty if it is no request."""
    message = as_pending(event)
    return [message] if message is not None else []


def waiting_messages(answers: dict[str, object]) -> list[Pending]:
    """The messages kept in a flow's answers until the person agrees to send them."""
    waiting = answers.get("pending")
    if isinstance(waiting, dict):  # conversations saved when only one was kept
        return [waiting] if waiting else []
    return list(waiting) if isinstance(waiting, list) else []


def with_waiting(answers: dict[str, object], message: Pending) -> list[Pending]:
    """The waiting messages with `message` added (the oldest dropped beyond MAX_WAITING)."""
    return [*waiting_messages(answers), message][-MAX_WAITING:]


def offer_to_send(
    waiting: list[Pending], *, note: str | None = None, locale: str | None = None
) -> Outcome | None:
    """For input no flow could place: the offer to send it to the team, if it is a request."""
    if not waiting:
        return None
    return switch("ask_the_team", step=Step.CONFIRM, note=note, locale=locale, pending=waiting)


# ------------------------------------------------------------ after an answer

REQUEST_DONE = "request:done"  # a standing action: request:done:<ticket id>
# TRANSLATORS: a button under an answer of the team
REQUEST_DONE_LABEL = N_("✓ My question is answered")
# TRANSLATORS: in the person's staff topic, after they pressed "My question is answered"
CLOSED_BY_PERSON = N_("✓ The person says the question is answered; the request is closed.")


async def close_my_request(argument: str, ctx: Ctx) -> Outcome:
    """The person says a staff answer settled their question: the request is closed, and
    staff read it in the topic. A request closed already (or not theirs) stays as it is."""
    person_id = ctx.person.person_id
    closed = argument.isdigit() and await ctx.services.tickets.close_for_person(
        ticket_id=int(argument), person_id=person_id, now=ctx.clock.now()
    )
    if not closed:
        return stay(
            ctx.t.gettext(
                "This request is closed already. If something is still open, just write to us."
            ),
            in_place=False,
        )
    await ctx.services.outbox.add(
        queue=staff_queue(person_id),
        kind="topic_note",
        person_id=person_id,
        ticket_id=None,
        payload={"text": CLOSED_BY_PERSON, "state": "closed"},
        now=ctx.clock.now(),
    )
    return stay(
        ctx.t.gettext("Thank you! Your request is closed. You can write to us again at any time."),
        in_place=False,
    )


FLOW = Flow(
    name="ask_the_team",
    start=Step.WRITE,
    steps={Step.WRITE: (ask_write, on_write), Step.CONFIRM: (ask_confirm, on_confirm)},
    takes_text=frozenset({Step.WRITE, Step.CONFIRM}),
)
