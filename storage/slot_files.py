"""Slots from a file staff prepare: CSV (`;` or `,` between cells, a header row) or YAML (a
list of entries), each with `start` ("2026-12-10 10:00", Europe/Berlin), `minutes`,
`mode` (phone, video, in_person), `place` (a link or an address; empty for phone) and
`staff`. Every line that cannot be read is kept with its reason, so that an import can
report all of them at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storage.clock import BERLIN
from storage.services.bookings import NewSlot

COLUMNS = ("start", "minutes", "mode", "place", "staff")
TIME_FORMAT = "%Y-%m-%d %H:%M"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV or YAML, no header, no list)."""


def read_slots(path: Path) -> list[tuple[int, NewSlot | str]]:
    """Each entry of the file with its line number (its position in a YAML list): a slot,
    or why it cannot be one."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() in (".yaml", ".yml"):
        return [(number, _slot(entry)) for number, entry in _yaml_entries(text)]
    if path.suffix.lower() == ".csv":
        return [(number, _slot(entry)) for number, entry in _csv_entries(text)]
    raise UnreadableFile(f"{path.name}: expected a .csv or .yaml file")


def parse_start(text: str) -> datetime:
    """A time as staff write it, in Europe/Berlin, as UTC; a time the clocks skip when
    summer time begins is refused."""
    written = datetime.strptime(text.strip(), TIME_FORMAT).replace(tzinfo=BERLIN)
    moment = written.astimezone(UTC)
    if moment.astimezone(BERLIN).replace(tzinfo=None) != written.replace(tzinfo=None):
        raise ValueError(f"{text}: no such time in Europe/Berlin (the clocks skip it)")
    return moment


def _csv_entries(text: str) -> list[tuple[int, dict[str, str]]]:
    delimiter = (
        ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    )
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise UnreadableFile(f"the header row lacks {', '.join(missing)}")
    return [(reader.line_num, row) for row in reader]


def _yaml_entries(text: str) -> list[tuple[int, Any]]:
    import yaml

    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UnreadableFile(f"not YAML: {error}") from None
    if not isinstance(loaded, list):
        raise UnreadableFile("expected a list of slots")
    return list(enumerate(loaded, start=1))


def _slot(entry: Any) -> NewSlot | str:
    if not isinstance(entry, Mapping):
        return "not an entry with start, minutes, mode, place and staff"
    values = {key: str(entry.get(key) or "").strip() for key in COLUMNS}
    try:
        start = parse_start(values["start"])
    except ValueError as error:
        if "no such time" in str(error):
            return str(error)
        return f"start {values['start']!r}: expected a time like 2026-12-10 10:00"
    if not values["minutes"].isdigit():
        return f"minutes {values['minutes']!r}: expected a number"
    return NewSlot(
        start, int(values["minutes"]), values["mode"], values["place"] or None, values["staff"]
    )
