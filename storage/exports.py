"""Lists of rows as files staff open in a spreadsheet: CSV as Excel in Germany reads it
(UTF-8 with a byte-order mark, `;` between cells) and XLSX (openpyxl: a header row, fixed
column widths, dates as dates). Times are shown in Europe/Berlin.

A text cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return) would be run
as a formula by a spreadsheet: in CSV it gets a leading apostrophe, in XLSX it is a text
cell (OWASP, "CSV Injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from storage.attachments import Attachment
from storage.clock import BERLIN

Cell = str | int | float | date | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD.MM.YYYY"
TIME_FORMAT = "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 16  # in characters, as a spreadsheet counts them


@dataclass(frozen=True)
class Table:
    """`name` becomes the file's name (without its ending) and the sheet's title."""

    name: str
    columns: tuple[Column, ...]
    rows: Sequence[Sequence[Cell]]

    def __post_init__(self) -> None:
        wrong = [row for row in self.rows if len(row) != len(self.columns)]
        if wrong:
            cells, columns = len(wrong[0]), len(self.columns)
            raise ValueError(f"{self.name}: a row of {cells} cells, not {columns}")


def as_csv(table: Table) -> Attachment:
    """The table as CSV for Excel: UTF-8 with BOM, `;`, times in Europe/Berlin."""
    buffer = io.StringIO()
    # Every cell quoted: a spreadsheet set to another separator cannot split one open.
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([_safe_text(column.title) for column in table.columns])
    writer.writerows([_csv_cell(cell) for cell in row] for row in table.rows)
    return Attachment(f"{table.name}.csv", CSV_TYPE, buffer.getvalue().encode("utf-8-sig"))


def as_xlsx(table: Table) -> Attachment:
    """The table as an Excel workbook of one sheet."""
    from openpyxl import Workbook  # only exports need it
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = _sheet_title(table.name)
    for index, column in enumerate(table.columns, start=1):
        _put(sheet.cell(row=1, column=index), column.title).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row_number, row in enumerate(table.rows, start=2):
        for index, value in enumerate(row, start=1):
            _put(sheet.cell(row=row_number, column=index), value)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return Attachment(f"{table.name}.xlsx", XLSX_TYPE, buffer.getvalue())


def _csv_cell(value: Cell) -> str | int | float:
    match value:
        case None:
            return ""
        case datetime():
            return f"{_berlin(value):%Y-%m-%d %H:%M}"
        case date():
            return value.isoformat()
        case str():
            return _safe_text(value)
        case _:
            return value


def _safe_text(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _put(cell: Any, value: Cell) -> Any:  # openpyxl's cells are untyped
    match value:
        case datetime():
            cell.value = _berlin(value).replace(tzinfo=None)
            cell.number_format = TIME_FORMAT
        case date():
            cell.value = value
            cell.number_format = DATE_FORMAT
        case str():
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)  # XML cannot hold them
            cell.data_type = "s"  # openpyxl would take "=…" for a formula
        case _:
            cell.value = value
    return cell


def _berlin(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN) if moment.tzinfo is not None else moment


def _sheet_title(name: str) -> str:
    """Excel's rule for sheet titles: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join("_" if char in "[]:*?/\\" else char for char in name)
    return cleaned[:31] or "Export"
