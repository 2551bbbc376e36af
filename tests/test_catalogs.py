"""Every catalog complete and consistent with the code; every content page well-formed and
present in every locale."""

from __future__ import annotations

import re
import shutil
import string
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from dialogs.content import ContentLibrary, parse_page
from dialogs.i18n import LOCALES_DIR, OWN_NAMES
from tests.fakes.clock import ManualClock
from tools.catalogs import SOURCE_LOCALE, extracted

PO_FILES = sorted(LOCALES_DIR.glob("*/LC_MESSAGES/messages.po"))
LOCALES = [po.parent.parent.name for po in PO_FILES]
# ../shared/LANGUAGES.md §3.2: CLDR order for Arabic, the dual for Upper Sorbian, two forms
# for Persian and Turkish.
_EAST_SLAVIC = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
    "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
)
_TWO = "nplurals=2; plural=(n != 1);"
PLURAL_FORMS = {
    "de": _TWO,
    "de@easy": _TWO,
    "en": _TWO,
    "es": _TWO,
    "ku": _TWO,
    "ps": _TWO,
    "tr": _TWO,
    "uk": _EAST_SLAVIC,
    "ru": _EAST_SLAVIC,
    "pl": "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "hsb": "nplurals=4; plural=(n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3);",
    "fa": "nplurals=2; plural=(n > 1);",
    "vi": "nplurals=1; plural=0;",
}
EXPECTED_LOCALES = set(PLURAL_FORMS)


def read(po: Path):
    """A catalog; the template has no locale (its folder is the checkout's, named anything)."""
    locale = po.parent.parent.name if po.suffix == ".po" else None
    with po.open("rb") as handle:
        return read_po(handle, locale=locale)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def tags(text: str) -> list[str]:
    found: list[str] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list) -> None:
            found.append(tag)

        def handle_endtag(self, tag: str) -> None:
            found.append(f"/{tag}")

    Collect().feed(text)
    return found


def test_there_is_a_catalog_for_every_language_people_need() -> None:
    assert set(LOCALES) == EXPECTED_LOCALES


def test_every_language_has_its_own_name_as_cldr_writes_it() -> None:
    assert sorted(OWN_NAMES) == sorted(LOCALES)
    for code, name in OWN_NAMES.items():
        if "@" not in code:  # de@easy is ours, not CLDR's
            cldr = Locale.parse(code).get_display_name(code) or ""
            assert name == cldr[:1].upper() + cldr[1:], code


@pytest.mark.parametrize("po", PO_FILES, ids=LOCALES)
def test_every_message_is_translated_and_none_is_fuzzy(po: Path) -> None:
    problems = []
    for message in read(po):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
    assert problems == []


@pytest.mark.parametrize("po", [p for p in PO_FILES if "/en/" not in str(p)], ids=str)
def test_no_sentence_is_left_in_english(po: Path) -> None:
    copied = []
    for message in read(po):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.id and len(ids[0].split()) > 2 and any(text in ids for text in strings):
            copied.append(message.id)
    assert copied == []


@pytest.mark.parametrize("po", PO_FILES, ids=LOCALES)
def test_placeholders_and_tags_match_the_source(po: Path) -> None:
    problems = []
    for message in read(po):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        want = fields(ids[-1])
        for text in strings:
            got = fields(text)
            plural_may_drop = len(ids) > 1 and got <= want
            if got != want and not plural_may_drop:
                problems.append(f"{message.id!r}: {sorted(got)} instead of {sorted(want)}")
            if tags(text) != tags(ids[-1]):
                problems.append(f"{message.id!r}: tags {tags(text)} instead of {tags(ids[-1])}")
    assert problems == []


@pytest.mark.parametrize("po", PO_FILES, ids=LOCALES)
def test_plural_forms_header_is_the_agreed_one(po: Path) -> None:
    header = read(po).plural_forms
    assert header == PLURAL_FORMS[po.parent.parent.name]


def test_every_text_in_the_code_is_in_the_template_and_every_catalog() -> None:
    in_code = {message.id for message in extracted() if message.id}
    template = read(LOCALES_DIR / "messages.pot")
    assert {m.id for m in template if m.id} == in_code, "run `make catalogs`"
    for po in PO_FILES:
        assert {m.id for m in read(po) if m.id} == in_code, f"{po}: run `make catalogs`"


def test_the_english_catalog_repeats_its_msgids() -> None:
    for message in read(LOCALES_DIR / SOURCE_LOCALE / "LC_MESSAGES/messages.po"):
        if message.id and isinstance(message.id, str):
            assert message.string == message.id


def test_no_translated_text_is_formatted_before_translation() -> None:
    pattern = re.compile(r"""\b(?:gettext|pgettext|N_)\(\s*(?:f["']|["'][^"']*["']\s*%)""")
    offenders = [
        str(path)
        for folder in ("bot", "dialogs", "storage")
        for path in (LOCALES_DIR.parent / folder).rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("po", PO_FILES, ids=LOCALES)
def test_gnu_msgfmt_check_is_clean(po: Path, tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- content pages

SECTIONS = sorted({p.name for p in LOCALES_DIR.glob("*/content/*") if p.is_dir()})


@pytest.mark.parametrize("section", SECTIONS)
def test_every_locale_has_the_same_pages(section: str) -> None:
    by_locale = {
        locale: sorted(p.name for p in (LOCALES_DIR / locale / "content" / section).glob("*.md"))
        for locale in LOCALES
    }
    reference = by_locale["de"]
    assert reference
    assert {locale: names for locale, names in by_locale.items() if names != reference} == {}


@pytest.mark.parametrize(
    "path",
    sorted(LOCALES_DIR.glob("*/content/*/*.md")),
    ids=lambda p: "/".join(p.parts[-4:]),
)
def test_every_page_parses_and_is_short_enough_for_one_message(path: Path) -> None:
    page = parse_page(path.stem, path.read_text(encoding="utf-8"))

    assert re.fullmatch(r"\d\d-[a-z0-9-]+", page.slug)
    assert len(f"page:{page.slug}".encode()) <= 40
    assert page.body.paragraphs
    assert len(page.body.plain_text) <= 3000


def test_pages_are_ordered_by_file_name() -> None:
    pages = ContentLibrary(LOCALES_DIR, clock=ManualClock()).pages("de", "about")
    assert [p.slug for p in pages] == sorted(p.slug for p in pages)
