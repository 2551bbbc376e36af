"""Office hours in Europe/Berlin with Saxony's public holidays: whether the team is at
work, when it is back, and when a working day has passed.

OFFICE_HOURS looks like `Mo-Fr 09:00-16:00` or `Mo-Do 09:00-16:00, Fr 09:00-13:00`
(German or English two-letter day names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from storage.clock import BERLIN

if TYPE_CHECKING:
    from holidays import HolidayBase

_DAYS = {
    "mo": 0,
    "tu": 1,
    "di": 1,
    "we": 2,
    "mi": 2,
    "th": 3,
    "do": 3,
    "fr": 4,
    "sa": 5,
    "su": 6,
    "so": 6,
}
_RANGE = re.compile(
    r"^(?P<first>[a-z]{2})(?:-(?P<last>[a-z]{2}))?\s+"
    r"(?P<opens>\d{1,2}:\d\d)-(?P<closes>\d{1,2}:\d\d)$"
)
EXAMPLE = "Mo-Fr 09:00-16:00"


@cache
def _saxon_holidays(year: int) -> HolidayBase:
    import holidays  # its country data is large: loaded only when office hours matter

    return holidays.country_holidays("DE", subdiv="SN", years=year)


def is_holiday(day: date) -> bool:
    return day in _saxon_holidays(day.year)


@dataclass(frozen=True)
class Shift:
    weekdays: frozenset[int]
    opens: time
    closes: time


@dataclass(frozen=True)
class OfficeHours:
    shifts: tuple[Shift, ...]

    @classmethod
    def parse(cls, text: str) -> OfficeHours:
        """Raises ValueError naming the expected form."""
        shifts = []
        for part in text.lower().split(","):
            match = _RANGE.match(part.strip())
            if (
                not match
                or match["first"] not in _DAYS
                or (match["last"] and match["last"] not in _DAYS)
            ):
                raise ValueError(f"expected office hours like {EXAMPLE!r}")
            first, last = _DAYS[match["first"]], _DAYS[match["last"] or match["first"]]
            opens, closes = (
                time.fromisoformat(match["opens"].zfill(5)),
                time.fromisoformat(match["closes"].zfill(5)),
            )
            if not (first <= last and opens < closes):
                raise ValueError(f"expected office hours like {EXAMPLE!r}")
            shifts.append(Shift(frozenset(range(first, last + 1)), opens, closes))
        return cls(tuple(shifts))

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(BERLIN)
        if is_holiday(local.date()):
            return False
        return any(
            local.weekday() in s.weekdays and s.opens <= local.time() < s.closes
            for s in self.shifts
        )

    def next_opening(self, moment: datetime) -> datetime:
        """The next moment the team is at work (`moment` itself when it is)."""
        if self.is_open(moment):
            return moment
        local = moment.astimezone(BERLIN)
        for offset in range(0, 30):
            day = local.date() + timedelta(days=offset)
            if is_holiday(day):
                continue
            for shift in sorted(self.shifts, key=lambda s: s.opens):
                start = datetime.combine(day, shift.opens, tzinfo=BERLIN)
                if day.weekday() in shift.weekdays and start > local:
                    return start
        raise ValueError("no office hours in the next 30 days")

    def working_days_later(self, moment: datetime, days: int) -> datetime:
        """The same time of day `days` working days later (weekends and holidays skipped)."""
        local = moment.astimezone(BERLIN)
        working = {day for shift in self.shifts for day in shift.weekdays}
        while days > 0:
            local += timedelta(days=1)
            if local.weekday() in working and not is_holiday(local.date()):
                days -= 1
        return local


WEEKDAYS = OfficeHours.parse(EXAMPLE)
