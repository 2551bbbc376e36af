"""Translations: one Translator per locale, chosen per conversation.

Msgids are English; `de` is the default locale. Catalogs live in
`locales/<locale>/LC_MESSAGES/messages.po` and are compiled to `.mo` (by `make`, or at start
when a `.mo` is missing or older than its `.po`). There is no silent fallback: a locale
without a compiled catalog is not offered at all.
"""

from __future__ import annotations

import gettext
import logging
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from dialogs import bidi
from storage.clock import BERLIN

log = logging.getLogger(__name__)

DEFAULT_LOCALE = "de"
FALLBACK_FOR_UNKNOWN_HINT = "en"
DOMAIN = "messages"
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"

# The picker's order: roughly how many people in Saxony read each language best
# (../shared/LANGUAGES.md §2); locales not listed follow alphabetically.
PICKER_ORDER = (
    "de",
    "de@easy",
    "uk",
    "ar",
    "ru",
    "fa",
    "en",
    "tr",
    "es",
    "ps",
    "ku",
    "pl",
    "vi",
    "hsb",
)

# Names in the picker: each language in its own name and script.
# Each language's own name in its own script, as CLDR (through Babel) gives it; a test keeps
# them equal. Written out because asking Babel loads every locale's data: 18 MB for a menu.
OWN_NAMES = {
    "de": "Deutsch",
    "de@easy": "Einfaches Deutsch",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "ar": "العربية",
    "fa": "فارسی",
    "ps": "پښتو",
    "tr": "Türkçe",
    "ku": "Kurdî (kurmancî)",
    "es": "Español",
    "pl": "Polski",
    "vi": "Tiếng Việt",
    "hsb": "Hornjoserbšćina",
}


def N_(message: str) -> str:  # noqa: N802 - the conventional name for "mark for extraction"
    """Mark a module-level text for extraction; translate it later with a Translator."""
    return message


def language_name(code: str) -> str:
    """The language's own name in its own script, e.g. "Deutsch", "English", "українська"."""
    if code in OWN_NAMES:
        return OWN_NAMES[code]
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


# English readers here live in Germany: dates day before month, times on a 24-hour clock.
_DATES_OF = {"en": "en_DE"}
# German writes "9:00 Uhr" (DIN 5008) where CLDR's short time gives "09:00".
_CLOCK = {"de": "H:mm 'Uhr'"}
# CLDR's quotation marks (common/main/*.xml, <delimiters>), which Babel does not carry:
# the outer pair, then the pair for a quote inside a quote.
QUOTES = {
    "de": ("„", "“", "‚", "‘"),
    "en": ("“", "”", "‘", "’"),
    "uk": ("«", "»", "„", "“"),
    "ru": ("«", "»", "„", "“"),
    "ar": ("”", "“", "’", "‘"),
    "fa": ("«", "»", "‹", "›"),
    "ps": ("“", "”", "‘", "’"),
    "tr": ("“", "”", "‘", "’"),
    "ku": ("“", "”", "‘", "’"),
    "es": ("“", "”", "‘", "’"),
    "pl": ("„", "”", "«", "»"),
    "vi": ("“", "”", "‘", "’"),
    "hsb": ("„", "“", "‚", "‘"),
}


def babel_locale(code: str, *, dates: bool = False) -> Locale:
    """The Babel locale for numbers, or for dates (gettext modifiers like @easy dropped)."""
    base = code.split("@")[0]
    return Locale.parse(_DATES_OF.get(base, base) if dates else base)


class Translator:
    """Texts, plurals, dates and times for one locale."""

    def __init__(self, locale: str, translations: gettext.NullTranslations) -> None:
        self.locale = locale
        self._translations = translations
        self._babel = babel_locale(locale)
        self._dates = babel_locale(locale, dates=True)

    @property
    def rtl(self) -> bool:
        return self._babel.text_direction == "rtl"

    def isolate(self, value: str) -> str:
        """A name or other value of unknown direction, kept in order inside RTL text."""
        return bidi.isolated(value) if self.rtl else value

    def ltr(self, value: str) -> str:
        """A phone number or address that must read left to right inside RTL text."""
        return bidi.isolated(value, bidi.LRI) if self.rtl else value

    def quoted(self, text: str) -> str:
        """`text` in this language's quotation marks, e.g. „…“ in German, «…» in Persian."""
        start, end, *_ = QUOTES[self.locale.split("@")[0]]
        return f"{start}{self.isolate(text)}{end}"

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._translations.pgettext(context, message)

    def format_number(self, number: float) -> str:
        """Grouped for the locale, always in Latin digits."""
        return format_decimal(number, locale=self._babel, numbering_system="latn")

    def format_day(self, moment: datetime) -> str:
        """The day in Europe/Berlin, written out: "Montag, 7. Dezember 2026"."""
        day = format_date(moment.astimezone(BERLIN), "full", locale=self._dates)
        return bidi.isolated(day, bidi.RLI) if self.rtl else day

    def format_moment(self, moment: datetime, *, now: datetime) -> str:
        """A day and time in Europe/Berlin as a reader of this language writes them:
        "heute, 9:00 Uhr", "tomorrow, 09:00", "Montag, 7. Dezember 2026, 9:00 Uhr".

        The result is isolated in the language's own direction, ready to go into a sentence.
        """
        local = moment.astimezone(BERLIN)
        clock = format_time(
            local, _CLOCK.get(self.locale.split("@")[0], "short"), locale=self._dates
        )
        match (local.date() - now.astimezone(BERLIN).date()).days:
            case 0:
                day = self.pgettext("day", "today")
            case 1:
                day = self.pgettext("day", "tomorrow")
            case _:
                day = format_date(local, "full", locale=self._dates)
        joined = str(self._dates.datetime_formats["medium"]).format(clock, day)
        return bidi.isolated(joined, bidi.RLI) if self.rtl else joined


class Catalogs:
    """Every compiled catalog, loaded once; hands out a Translator per locale."""

    def __init__(self, translators: dict[str, Translator]) -> None:
        if DEFAULT_LOCALE not in translators:
            raise RuntimeError(f"the default locale {DEFAULT_LOCALE!r} has no compiled catalog")
        self._translators = translators

    @classmethod
    def load(cls, compiled_dir: Path) -> Catalogs:
        translators = {}
        for mo in sorted(compiled_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")):
            locale = mo.parent.parent.name
            with mo.open("rb") as handle:
                translators[locale] = Translator(locale, gettext.GNUTranslations(handle))
        return cls(translators)

    @property
    def locales(self) -> tuple[str, ...]:
        """Available locales in the picker's order, the default first."""
        known = [code for code in PICKER_ORDER if code in self._translators]
        return (*known, *sorted(set(self._translators) - set(known)))

    def translator(self, locale: str | None) -> Translator:
        return self._translators.get(locale or DEFAULT_LOCALE, self._translators[DEFAULT_LOCALE])

    def locale_from_hint(self, hint: str | None) -> str | None:
        """Map a channel's language hint ("de", "pt-br", "en_US") to one of our locales."""
        if not hint:
            return None
        primary = hint.strip().lower().replace("_", "-").split("-")[0]
        return primary if primary in self._translators else None

    def preselected(self, hint: str | None) -> str:
        """The locale to greet in: the hint's, English for an unknown hint, else German."""
        if not hint:
            return DEFAULT_LOCALE
        return self.locale_from_hint(hint) or FALLBACK_FOR_UNKNOWN_HINT


def compile_catalogs(source_dir: Path, target_dir: Path, *, force: bool = False) -> list[str]:
    """Compile every `.po` under `source_dir` whose `.mo` in `target_dir` is missing or older.

    Returns the locales compiled. Fuzzy entries are never compiled.
    """
    compiled = []
    for po in sorted(source_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        relative = po.relative_to(source_dir)
        mo = (target_dir / relative).with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=po.parent.parent.name)
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        compiled.append(po.parent.parent.name)
    if compiled:
        log.info("compiled catalogs locales=%s", ",".join(compiled))
    return compiled
