"""Languages typed by name where the picker is shown: "English", "arabisch", "farsi", "uk".

A language is known by its own name, its English and German names (CLDR, through Babel),
its code, and the names people commonly use besides (below). Case, accents and the forms of
Arabic letters are ignored, and near misses ("englsh", "ukranian") still count. Only the
whole message is read: a question that mentions a language is no choice of one.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from functools import cache

from babel import Locale

from dialogs.i18n import OWN_NAMES

# Names beside CLDR's that people write in a chat.
OTHER_NAMES = {
    "de@easy": (
        "Easy German",
        "Plain German",
        "Simple German",
        "Leichte Sprache",
        "Einfache Sprache",
        "Deutsch einfach",
    ),
    "en": ("Englisch", "Inglés", "İngilizce", "Angielski", "Английский", "Англійська"),
    "de": ("Alemán", "Almanca", "Niemiecki", "Немецкий", "Німецька", "آلمانی", "ألماني"),
    "uk": ("Украинский", "Українська мова", "Ukrainian language"),
    "ru": ("Русский язык", "Російська", "روسی"),
    "ar": ("عربي", "عربى", "اللغة العربية", "Arabi"),
    "fa": ("Farsi", "Parsi", "Dari", "فارسي", "پارسی", "دری"),
    "ps": ("Pashtu", "Pushto", "پشتو"),
    "ku": ("Kurmanji", "Kurmancî", "Kurdî", "Kurdi", "کوردی"),
    "tr": ("Türkçe",),
    "hsb": ("Sorbian", "Sorbisch", "Serbsce", "Serbšćina"),
    "vi": ("Tieng Viet", "Vietnamesisch"),
}
# Below this length a near miss is too likely to be another word.
MIN_FUZZY_CHARS = 4
MIN_SIMILARITY = 0.8
MAX_NAME_CHARS = 40

# Arabic-script letters written in several forms, mapped to one.
_ARABIC_FORMS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ی", "ي": "ی", "ك": "ک", "ـ": None}
)


def language_named(text: str, locales: Iterable[str]) -> str | None:
    """The locale among `locales` that `text` names, or None."""
    key = _normalised(text)
    if not key or len(text) > MAX_NAME_CHARS:
        return None
    names = _names(tuple(locales))
    if key in names:
        return names[key]
    if len(key) < MIN_FUZZY_CHARS:
        return None
    candidates = [name for name in names if len(name) >= MIN_FUZZY_CHARS]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=MIN_SIMILARITY)
    return names[close[0]] if close else None


@cache
def _names(locales: tuple[str, ...]) -> dict[str, str]:
    english, german = Locale("en").languages, Locale("de").languages
    names: dict[str, str] = {}
    for code in locales:
        base = code.split("@")[0]
        spelled = [OWN_NAMES.get(code, code), *OTHER_NAMES.get(code, ())]
        if "@" not in code:
            spelled += [code, english.get(base, ""), german.get(base, "")]
        for name in spelled:
            names.setdefault(_normalised(name), code)
    names.pop("", None)
    return names


def _normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_ARABIC_FORMS))
    kept = (c for c in decomposed if not unicodedata.combining(c))
    letters = "".join(c if c.isalnum() else " " for c in kept)
    return " ".join(letters.split())
