"""Which of our languages a free text is written in, recognised offline.

The detector (lingua) is built on first use and restricted to our locales it knows, so
that start-up and memory stay small. It knows neither Pashto, Kurmanji nor Upper Sorbian:
a conversation in one of those (or in Einfaches Deutsch) is never offered a switch.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

MIN_WORDS = 3
MIN_CONFIDENCE = 0.75
NEVER_SWITCH_FROM = frozenset({"ps", "ku", "hsb", "de@easy"})


class LanguageGuesser:
    def __init__(self, locales: Iterable[str]) -> None:
        self._languages = {
            code: language for code in locales if (language := _lingua_language(code)) is not None
        }
        self._detector: LanguageDetector | None = None
        self._building = threading.Lock()

    def other_language(self, text: str, *, current: str) -> str | None:
        """The locale `text` is written in, when it is clearly another than `current`."""
        if current in NEVER_SWITCH_FROM or len(text.split()) < MIN_WORDS:
            return None
        best = self._detector_ready().compute_language_confidence_values(text)[0]
        if best.value < MIN_CONFIDENCE:
            return None
        code = next(c for c, language in self._languages.items() if language == best.language)
        return code if code != current.split("@")[0] else None

    def _detector_ready(self) -> LanguageDetector:
        with self._building:
            if self._detector is None:
                self._detector = (
                    LanguageDetectorBuilder.from_languages(*self._languages.values())
                    .with_low_accuracy_mode()
                    .build()
                )
            return self._detector


def _lingua_language(code: str) -> Language | None:
    if "@" in code:
        return None
    try:
        return Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return None
