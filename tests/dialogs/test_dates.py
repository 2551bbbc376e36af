"""Days and times as a reader of each language writes them, in Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dialogs.i18n import Catalogs

NOW = datetime(2026, 12, 2, 7, 30, tzinfo=UTC)  # Wednesday, 8:30 in Berlin
NINE = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)  # 9:00 in Berlin


@pytest.mark.parametrize(
    ("locale", "days", "expected"),
    [
        ("de", 0, "heute, 9:00 Uhr"),
        ("de", 1, "morgen, 9:00 Uhr"),
        ("de", 5, "Montag, 7. Dezember 2026, 9:00 Uhr"),
        ("de@easy", 1, "morgen, 9:00 Uhr"),
        ("en", 0, "today, 09:00"),
        ("en", 2, "Friday, 4 December 2026, 09:00"),
        ("uk", 1, "завтра, 09:00"),
        ("tr", 33, "4 Ocak 2027 Pazartesi 09:00"),
        ("ar", 0, "\u2067اليوم، 9:00 ص\u2069"),
    ],
)
def test_a_moment_is_today_tomorrow_or_a_whole_date_with_weekday_and_year(
    compiled_catalogs: Path, locale: str, days: int, expected: str
) -> None:
    t = Catalogs.load(compiled_catalogs).translator(locale)

    assert t.format_moment(NINE + timedelta(days=days), now=NOW) == expected


def test_midnight_in_berlin_starts_a_new_day(compiled_catalogs: Path) -> None:
    t = Catalogs.load(compiled_catalogs).translator("de")
    late = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)  # 23:30 in Berlin

    assert t.format_moment(late + timedelta(hours=1), now=late) == "morgen, 0:30 Uhr"
