"""Forms: a flow declares its questions, the core asks them.

A `Form` is a list of `Field`s (a name, a question, its kind, whether it may be skipped) and
what to do with the confirmed answers. `form_flow` turns it into a flow of two steps:

    ASK (one field at a time) ──answer──▶ ASK the next field … ──▶ SUMMARY
      ├── a wrong answer ──▶ ASK again, with the reason in the person's language
      ├── back ──▶ ASK the field before; skip (optional fields) ──▶ ASK the next field
      └── typed letters (lists) ──▶ ASK, the list narrowed to what starts with them
    SUMMARY ──fix:<field>──▶ ASK that field ──▶ SUMMARY
       └──confirm──▶ the form's `on_confirm`

Lists are buttons, a page at a time when long, several at once (with "Done") where the
field allows it. E-mail addresses are checked with email-validator (syntax only: there is
no network), phone numbers with phonenumbers (German numbers without +49 too, stored as
E.164). A form left halfway stays where it was: a person who comes back later, even days
later, is told that it goes on where they stopped (also when they come back with /start).
`/cancel` drops what was not confirmed.
Where the form keeps its state: `answers["form"]`, in the conversation.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from dialogs import free_text
from dialogs.context import Ctx
from dialogs.core import (
    Choice,
    Chosen,
    ContactShared,
    Incoming,
    Outcome,
    Prompt,
    Text,
    choice,
    go,
    stay,
)
from dialogs.flow import Flow
from dialogs.text import RichText

Kind = Literal["text", "email", "phone", "choice", "choices"]
PAGE_SIZE = 8
# Coming back after this long, a person is told that the form goes on where they stopped.
WELCOME_BACK_AFTER = timedelta(hours=6)
KEY = "form"


@dataclass(frozen=True)
class Option:
    """One entry of a list: `value` is stored, `label` shown (a msgid when `translate`),
    `also` are other names it is found by when typing (a Sorbian name, say)."""

    value: str
    label: str
    translate: bool = True
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Field:
    """One question. `prompt` and `label` (its name in the summary) are msgids."""

    name: str
    prompt: str
    label: str
    kind: Kind = "text"
    optional: bool = False
    options: tuple[Option, ...] = ()
    max_length: int = 500


Confirmed = Callable[[dict[str, Any], Ctx], Awaitable[Outcome]]


@dataclass(frozen=True)
class Form:
    name: str
    fields: tuple[Field, ...]
    on_confirm: Confirmed
    fields_by_name: dict[str, Field] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields_by_name", {f.name: f for f in self.fields})
        for each in self.fields:
            if (each.kind in ("choice", "choices")) != bool(each.options):
                raise ValueError(f"form {self.name}: {each.name} has options iff it is a list")


class Step(StrEnum):
    ASK = "ask"
    SUMMARY = "summary"


def form_flow(form: Form) -> Flow:
    """The flow that asks `form`'s questions, shows the summary and confirms."""

    async def ask(ctx: Ctx) -> Prompt:
        return _question(form, _state(ctx), ctx)

    async def on_ask(event: Incoming, ctx: Ctx) -> Outcome:
        return _welcomed_back(await _answer(form, _state(ctx), event, ctx), ctx)

    async def summary(ctx: Ctx) -> Prompt:
        return _summary(form, _state(ctx), ctx)

    async def on_summary(event: Incoming, ctx: Ctx) -> Outcome:
        state = _state(ctx)
        match event:
            case Chosen("form", "confirm"):
                return await form.on_confirm(dict(state["values"]), ctx)
            case Chosen("fix", name) if name in form.fields_by_name:
                at = [f.name for f in form.fields].index(name)
                return _welcomed_back(_go_ask(form, state, at=at, fixing=True), ctx)
            case Text():  # kept here, not taken for a request to the team: the form stays
                hint = free_text.choice_hint(ctx, count=0, numbered=False)
                return _welcomed_back(stay(hint), ctx)
            case _:
                return _welcomed_back(stay(), ctx)

    return Flow(
        name=form.name,
        start=Step.ASK,
        steps={Step.ASK: (ask, on_ask), Step.SUMMARY: (summary, on_summary)},
        takes_text=frozenset({Step.ASK, Step.SUMMARY}),
    )


def resumed(ctx: Ctx) -> Outcome:
    """The form where the person stopped, saying so (for /start in the middle of one)."""
    back = stay(ctx.t.gettext("Welcome back! We go on where you stopped."))
    return replace(_welcomed_back(back, ctx), notes=back.notes)


# ------------------------------------------------------------ asking


def _question(form: Form, state: dict[str, Any], ctx: Ctx) -> Prompt:
    t = ctx.t
    current = form.fields[state["at"]]
    lines = [
        t.gettext("Question {number} of {total}").format(
            number=t.format_number(state["at"] + 1), total=t.format_number(len(form.fields))
        ),
        t.gettext(current.prompt),
    ]
    if current.kind == "choices":
        lines.append(t.gettext("Choose all that apply, then press “Done”."))
    if current.optional:
        lines.append(t.gettext("You can skip this question."))
    choices = _options_on_screen(current, state, ctx) + _moves(current, state, ctx)
    columns = 2 if current.kind in ("choice", "choices") else 1
    contact = (
        t.gettext("You can also share the phone number of this Telegram account:"),
        t.gettext("📱 Share my phone number"),
    )
    return Prompt(
        text=RichText.plain("\n\n".join(lines)),
        choices=choices,
        columns=columns,
        contact_request=contact if current.kind == "phone" else None,
    )


def _options_on_screen(current: Field, state: dict[str, Any], ctx: Ctx) -> tuple[Choice, ...]:
    if not current.options:
        return ()
    picked = set(state.get("picked", ()))
    shown = _matching(current, state.get("filter", ""), ctx)
    page = state.get("page", 0)
    buttons = []
    for index in shown[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]:
        label = _label(current.options[index], ctx)
        mark = "✓ " if current.options[index].value in picked else ""
        buttons.append(choice("opt", index, label=f"{mark}{label}"))
    return tuple(buttons)


def _moves(current: Field, state: dict[str, Any], ctx: Ctx) -> tuple[Choice, ...]:
    t = ctx.t
    moves = []
    shown = len(_matching(current, state.get("filter", ""), ctx)) if current.options else 0
    page = state.get("page", 0)
    if page > 0:
        moves.append(choice("page", page - 1, label=t.gettext("◀ Previous page")))
    if (page + 1) * PAGE_SIZE < shown:
        moves.append(choice("page", page + 1, label=t.gettext("Next page ▶")))
    if current.kind == "choices":
        moves.append(choice("form", "done", label=t.gettext("Done")))
    if current.optional:
        moves.append(choice("form", "skip", label=t.gettext("Skip")))
    if state["at"] > 0 and not state.get("fixing"):
        moves.append(choice("form", "back", label=t.gettext("Previous question")))
    return tuple(moves)


# ------------------------------------------------------------ answering


async def _answer(form: Form, state: dict[str, Any], event: Incoming, ctx: Ctx) -> Outcome:
    current = form.fields[state["at"]]
    match event:
        case Chosen("form", "back") if state["at"] > 0:
            return _go_ask(form, state, at=state["at"] - 1)
        case Chosen("form", "skip") if current.optional:
            return _store(form, state, None)
        case Chosen("page", page) if page.isdigit():
            return _again(state, page=int(page))
        case Chosen("opt", index) if current.kind == "choice" and _valid_index(current, index):
            return _store(form, state, current.options[int(index)].value)
        case Chosen("opt", index) if current.kind == "choices" and _valid_index(current, index):
            return _again(state, picked=_toggled(state, current.options[int(index)].value))
        case Chosen("form", "done") if current.kind == "choices":
            if not state.get("picked") and not current.optional:
                return stay(ctx.t.gettext("Please choose at least one."))
            return _store(form, state, list(state.get("picked", [])))
        case ContactShared(phone, own=True) if current.kind == "phone":
            return _parsed(form, state, ctx, _phone(_as_international(phone), ctx))
        case Text(text) if current.kind in ("choice", "choices"):
            return _narrowed(current, state, text, ctx)
        case Text(text):
            return _parsed(form, state, ctx, _parse(current, text, ctx))
        case _:
            return stay()


def _parsed(form: Form, state: dict[str, Any], ctx: Ctx, parsed: Any) -> Outcome:
    if isinstance(parsed, Invalid):
        return stay(parsed.reason)
    return _store(form, state, parsed)


def _store(form: Form, state: dict[str, Any], value: Any) -> Outcome:
    """Keep the answer; then the next field, or the summary when all are answered (or this
    was a correction)."""
    values = {**state["values"], form.fields[state["at"]].name: value}
    after = state["at"] + 1
    if state.get("fixing") or after == len(form.fields):
        return go(Step.SUMMARY, **{KEY: _fresh(state, values=values, at=state["at"])})
    return go(Step.ASK, **{KEY: _fresh(state, values=values, at=after)})


def _go_ask(form: Form, state: dict[str, Any], *, at: int, fixing: bool = False) -> Outcome:
    """Ask the field `at` again: a list of several starts with what was ticked before."""
    earlier = state["values"].get(form.fields[at].name)
    picked = earlier if isinstance(earlier, list) else []
    return go(Step.ASK, **{KEY: _fresh(state, at=at, fixing=fixing, picked=picked)})


def _again(state: dict[str, Any], **changes: Any) -> Outcome:
    """The same question again, with the list moved, narrowed or ticked."""
    return go(Step.ASK, **{KEY: {**state, **changes}})


def _fresh(state: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The state for another question: no page, filter or ticks carried over."""
    kept = {"values": state["values"], "at": state["at"], "last": state["last"]}
    return {**kept, "fixing": False, **changes}


def _narrowed(current: Field, state: dict[str, Any], text: str, ctx: Ctx) -> Outcome:
    """Typed letters narrow the list to the entries a word of which starts with them."""
    if not _matching(current, text, ctx):
        note = ctx.t.gettext(
            "Nothing in the list starts with {text}. Please choose below, or try other letters."
        ).format(text=ctx.t.quoted(text))
        return go(Step.ASK, note=note, **{KEY: {**state, "filter": "", "page": 0}})
    return go(Step.ASK, **{KEY: {**state, "filter": text, "page": 0}})


def _matching(current: Field, typed: str, ctx: Ctx) -> list[int]:
    wanted = _folded(typed)
    if not wanted:
        return list(range(len(current.options)))
    return [
        index
        for index, option in enumerate(current.options)
        if any(
            word.startswith(wanted)
            for name in (_label(option, ctx), option.label, *option.also)
            for word in (_folded(name), *_folded(name).split())
        )
    ]


def _folded(text: str) -> str:
    """Lower case without accents, so that "bud" finds "Budyšin" and "lobau" "Löbau"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char)).strip()


def _label(option: Option, ctx: Ctx) -> str:
    return ctx.t.gettext(option.label) if option.translate else option.label


def _valid_index(current: Field, index: str) -> bool:
    return index.isdigit() and int(index) < len(current.options)


def _toggled(state: dict[str, Any], value: str) -> list[str]:
    picked = list(state.get("picked", ()))
    return [v for v in picked if v != value] if value in picked else [*picked, value]


# ------------------------------------------------------------ checking typed answers


@dataclass(frozen=True)
class Invalid:
    reason: str  # in the person's language


def _parse(current: Field, text: str, ctx: Ctx) -> Any:
    match current.kind:
        case "email":
            return _email(text, ctx)
        case "phone":
            return _phone(text, ctx)
    if len(text) > current.max_length:
        return Invalid(
            ctx.t.ngettext(
                "Please write at most {count} character.",
                "Please write at most {count} characters.",
                current.max_length,
            ).format(count=ctx.t.format_number(current.max_length))
        )
    return text


def _email(text: str, ctx: Ctx) -> Any:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        return Invalid(
            ctx.t.gettext(
                "This does not look like an e-mail address. Please write it like this: "
                "name@example.org"
            )
        )


def _phone(text: str, ctx: Ctx) -> Any:
    import phonenumbers

    try:
        number = phonenumbers.parse(text, "DE")  # without a country code: a German number
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return Invalid(
            ctx.t.gettext(
                "This does not look like a phone number. Please write it with the area code, "
                "for example 0351 1234567."
            )
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _as_international(phone: str) -> str:
    """Telegram's shared contacts carry the country code, not always with a plus."""
    digits = phone.strip()
    return digits if digits.startswith(("+", "0")) else f"+{digits}"


# ------------------------------------------------------------ the summary


def _summary(form: Form, state: dict[str, Any], ctx: Ctx) -> Prompt:
    t = ctx.t
    lines = [t.gettext("Please check your answers:"), ""]
    for each in form.fields:
        lines.append(
            f"{t.gettext(each.label)}: {_shown(each, state['values'].get(each.name), ctx)}"
        )
    fixes = tuple(
        choice(
            "fix", each.name, label=t.gettext("Change: {field}").format(field=t.gettext(each.label))
        )
        for each in form.fields
    )
    confirm = choice("form", "confirm", label=t.gettext("Yes, that is right"))
    return Prompt(text=RichText.plain("\n".join(lines)), choices=(confirm, *fixes))


def _shown(each: Field, value: Any, ctx: Ctx) -> str:
    if value is None or value == []:
        return "—"
    if each.options:
        by_value = {option.value: _label(option, ctx) for option in each.options}
        values = value if isinstance(value, list) else [value]
        return ", ".join(by_value.get(v, v) for v in values)
    return ctx.t.isolate(str(value))


# ------------------------------------------------------------ where the form stands


def in_progress(ctx: Ctx) -> bool:
    """Whether the person is in the middle of a form (its answers are the flow's own)."""
    stored = ctx.answers.get(KEY)
    return isinstance(stored, dict) and "at" in stored


def _state(ctx: Ctx) -> dict[str, Any]:
    if in_progress(ctx):
        return ctx.answers[KEY]
    return {"values": {}, "at": 0, "last": ctx.clock.now().isoformat()}


def _welcomed_back(outcome: Outcome, ctx: Ctx) -> Outcome:
    """Stamp the form with the time of this answer; after a long pause, say that it goes on
    where the person stopped."""
    now = ctx.clock.now()
    state = _state(ctx)
    answers = {KEY: {**outcome.answers.get(KEY, state), "last": now.isoformat()}}
    notes = outcome.notes
    if now - datetime.fromisoformat(state["last"]) > WELCOME_BACK_AFTER:
        notes = (RichText.plain(ctx.t.gettext("Welcome back! We go on where you stopped.")), *notes)
    return replace(outcome, notes=notes, answers={**outcome.answers, **answers})
