"""Which of our languages a free text is written in, recognised offline.

The detector (lingua) is imported and built on first use, restricted to our locales it
knows, so that start-up and memory stay small. It knows neither Pashto, Kurmanji nor Upper
Sorbian: a conversation in one of those (or in Einfaches Deutsch) is never offered a switch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

MIN_WORDS = 3
MIN_CONFIDENCE = 0.75
NEVER_SWITCH_FROM = frozenset({"ps", "ku", "hsb", "de@easy"})


class LanguageGuesser:
    def __init__(self, locales: Iterable[str]) -> None:
        self._locales = tuple(locales)
        self._detector: tuple[LanguageDetector, dict[Language, str]] | None = None
        self._building = threading.Lock()

    def other_language(self, text: str, *, current: str) -> str | None:
        """The locale `text` is written in, when it is clearly another than `current`."""
        if current in NEVER_SWITCH_FROM or len(text.split()) < MIN_WORDS:
            return None
        detector, codes = self._detector_ready()
        best = detector.compute_language_confidence_values(text)[0]
        if best.value < MIN_CONFIDENCE:
            return None
        code = codes[best.language]
        return code if code != current.split("@")[0] else None

    def _detector_ready(self) -> tuple[LanguageDetector, dict[Language, str]]:
        with self._building:
            if self._detector is None:
                from lingua import LanguageDetectorBuilder

                codes = {
                    language: code
                    for code in self._locales
                    if (language := _lingua_language(code)) is not None
                }
                detector = (
                    LanguageDetectorBuilder.from_languages(*codes).with_low_accuracy_mode().build()
                )
                self._detector = (detector, codes)
            return self._detector


def _lingua_language(code: str) -> Language | None:
    from lingua import IsoCode639_1, Language

    if "@" in code:
        return None
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None
