"""What counts as acceptable free text, in one place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# Telegram's own limit for one message: whatever a person can send there is accepted.
MAX_TEXT_CHARS = 4096

# C0/C1 controls other than tab and newline, and Unicode "format" characters that are
# invisible but not needed in plain text (zero-width joiners and bidi marks are kept).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Rejected:
    reason: Literal["empty", "too_long"]


def clean_text(raw: str) -> str | Rejected:
    """The text with control characters removed and normalised (NFC), or why it is refused."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", raw.replace("\r\n", "\n"))).strip()
    if not text:
        return Rejected("empty")
    if len(text) > MAX_TEXT_CHARS:
        return Rejected("too_long")
    return text


# What may stand around a typed number: a sign, a decimal separator (Arabic's too), a
# closing dot or bracket ("1.", "2)").
_NUMBER_MARKS = frozenset("+-−.,٫)")
# Longer than any choice list; keeps int() of a pasted digit string cheap.
MAX_NUMBER_CHARS = 12


@dataclass(frozen=True)
class TypedNumber:
    """Text that is nothing but a number. `choice` is its value when it can name a choice
    (plain digits of any script: "3", "٣", "۳"); None for "-1", "1.", "+2", "²" or "1,5"."""

    choice: int | None


def typed_number(text: str) -> TypedNumber | None:
    """The number a person typed instead of choosing, or None if the text is no number."""
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_NUMBER_CHARS:
        return None
    if stripped.isdecimal():
        return TypedNumber(int(stripped))
    has_digit = any(char.isdigit() for char in stripped)
    if has_digit and all(char.isdigit() or char in _NUMBER_MARKS for char in stripped):
        return TypedNumber(None)
    return None
