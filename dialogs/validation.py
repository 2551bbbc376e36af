"""What counts as acceptable free text, in one place."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MAX_TEXT_CHARS = 4000

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
