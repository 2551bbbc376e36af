"""The values that travel through the conversation core.

Channels turn platform events into `Incoming` values; steps answer with an `Outcome`;
the engine turns outcomes into `Reply` values that channels render. Nothing here knows
a platform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from dialogs.text import RichText
from storage.attachments import Attachment

# ---------------------------------------------------------------- incoming events


@dataclass(frozen=True)
class PersonRef:
    """Who wrote: one identity of a person on one channel."""

    channel: str
    external_id: str
    locale_hint: str | None = None
    first_name: str | None = None


@dataclass(frozen=True)
class Text:
    """Free text as the person typed it. `message_ref` names the platform's message;
    `choices_numbered` says that the channel shows choices as numbers to type (the console),
    so that a hint about a number can name the range."""

    text: str
    message_ref: str | None = None
    choices_numbered: bool = False


@dataclass(frozen=True)
class Command:
    """A slash command such as /start, with what followed it."""

    name: str
    args: str = ""


@dataclass(frozen=True)
class Chosen:
    """A press on a choice. `token` names the prompt the choice was offered with."""

    __match_args__ = ("group", "value")

    group: str
    value: str
    token: int | None = None

    @property
    def choice_id(self) -> str:
        return f"{self.group}:{self.value}"

    @classmethod
    def from_id(cls, choice_id: str, token: int | None = None) -> Chosen:
        group, _, value = choice_id.partition(":")
        return cls(group=group, value=value, token=token)


@dataclass(frozen=True)
class ContactShared:
    """A phone number shared through the platform's contact button; `own` when it is the
    sender's own (a contact card of someone else is not)."""

    __match_args__ = ("phone_number",)

    phone_number: str
    own: bool = True


MediaKind = Literal[
    "photo",
    "voice",
    "audio",
    "video",
    "video_note",
    "sticker",
    "document",
    "location",
    "animation",
    "other",
]


@dataclass(frozen=True)
class MediaReceived:
    """A photo, voice message, document or similar; the file stays with the channel."""

    kind: MediaKind
    file_ref: str | None = None
    caption: str | None = None
    message_ref: str | None = None


@dataclass(frozen=True)
class MessageEdited:
    """The person changed a message they had sent earlier."""


Incoming = Text | Command | Chosen | ContactShared | MediaReceived | MessageEdited

# ---------------------------------------------------------------- what steps return

MAX_CHOICE_ID_BYTES = 40


@dataclass(frozen=True)
class Choice:
    """An option offered to the person: a stable id and a label already translated."""

    id: str
    label: str

    def __post_init__(self) -> None:
        if ":" not in self.id or len(self.id.encode()) > MAX_CHOICE_ID_BYTES:
            raise ValueError(f"choice id must be 'group:value' within 40 bytes: {self.id!r}")


def choice(group: str, value: str | int, *, label: str) -> Choice:
    return Choice(id=f"{group}:{value}", label=label)


STANDING = "do"  # the group of a choice that names a standing action


def standing_action(action: str, *, label: str) -> Choice:
    """A button that keeps working after the conversation has moved on: it names an action
    that is checked again when pressed (`booking:cancel:17`: does the booking still
    exist?), not an option of the prompt on screen."""
    return Choice(id=f"{STANDING}:{action}", label=label)


@dataclass(frozen=True)
class Prompt:
    """What a step shows when it is entered: text and the choices it offers."""

    text: RichText
    choices: tuple[Choice, ...] = ()
    columns: int = 1
    # For a phone number: (a line, a button label) for channels that can offer to share it.
    contact_request: tuple[str, str] | None = None


@dataclass(frozen=True)
class Outcome:
    """What a step decided. Build it with `stay`, `go`, `switch`, `finish` or `acknowledge`."""

    kind: Literal["stay", "go", "switch", "receipt"]
    notes: tuple[RichText, ...] = ()
    step: str | None = None
    flow: str | None = None
    answers: dict[str, object] = field(default_factory=dict)
    locale: str | None = None
    in_place: bool = True
    receipt_for: str | None = None
    file: Attachment | None = None


def _notes(note: RichText | str | None) -> tuple[RichText, ...]:
    if note is None:
        return ()
    return (RichText.plain(note) if isinstance(note, str) else note,)


def stay(
    note: RichText | str | None = None,
    *,
    in_place: bool = True,
    file: Attachment | None = None,
) -> Outcome:
    """Keep the current step; show `note`, then the step's prompt again. `in_place=False`
    asks channels to show it as a new message, not in place of the one pressed; a `file`
    goes with it."""
    return Outcome(kind="stay", notes=_notes(note), in_place=in_place, file=file)


def acknowledge(note: RichText | str, *, message_ref: str | None) -> Outcome:
    """Keep the current step and only confirm quietly that the message `message_ref` arrived:
    channels that can react to it do so; others show `note`, a short line."""
    return Outcome(kind="receipt", notes=_notes(note), receipt_for=message_ref)


def go(step: str, *, note: RichText | str | None = None, **answers: object) -> Outcome:
    """Move to another step of the same flow, storing `answers`."""
    return Outcome(kind="go", step=step, notes=_notes(note), answers=answers)


def switch(
    flow: str,
    *,
    note: RichText | str | None = None,
    locale: str | None = None,
    step: str | None = None,
    **answers: object,
) -> Outcome:
    """Leave this flow for another one (its first step unless `step` is given)."""
    return Outcome(
        kind="switch",
        flow=flow,
        step=step,
        notes=_notes(note),
        locale=locale,
        answers=answers,
    )


def finish(
    note: RichText | str | None = None,
    *,
    then: str = "main_menu",
    locale: str | None = None,
) -> Outcome:
    """End this flow and continue in `then` (the main menu unless said otherwise)."""
    return switch(then, note=note, locale=locale)


# ---------------------------------------------------------------- what channels render


@dataclass(frozen=True)
class Reply:
    """One message to the person. `token` ties its choices to the prompt that offered them;
    `in_place` allows a channel to show it in place of the message whose choice was pressed.
    A reply with `receipt_for` is a quiet receipt: a channel that can react to the person's
    message of that ref does so instead of sending `text`. A `file` goes after the text."""

    text: RichText
    choices: tuple[Choice, ...] = ()
    token: int | None = None
    rtl: bool = False
    in_place: bool = True
    columns: int = 1
    receipt_for: str | None = None
    file: Attachment | None = None
    contact_request: tuple[str, str] | None = None
