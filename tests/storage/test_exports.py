"""Exports as staff open them: read back with a CSV reader and with openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import openpyxl
import pytest

from storage.exports import Column, Table, as_csv, as_xlsx

EVIL = ('=HYPERLINK("http://x")', "+49 351 1234", "-1+2", "@SUM(A1)")
WHEN = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)  # 18:30 in Berlin


def table() -> Table:
    return Table(
        name="anfragen",
        columns=(Column("Nr.", 6), Column("Name", 20), Column("Eingang"), Column("Tag")),
        rows=[
            (1, 'Olena; "die Erste"\nzweite Zeile', WHEN, date(2026, 12, 24)),
            *((number, text, None, None) for number, text in enumerate(EVIL, start=2)),
            (9, "متى الدورة القادمة؟ Łužica", WHEN, None),
        ],
    )


def test_csv_is_what_excel_in_germany_reads() -> None:
    file = as_csv(table())

    assert file.name == "anfragen.csv"
    assert file.media_type == "text/csv"
    assert file.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Nr.", "Name", "Eingang", "Tag"]
    assert rows[1] == ["1", 'Olena; "die Erste"\nzweite Zeile', "2026-12-04 18:30", "2026-12-24"]
    assert rows[-1][1] == "متى الدورة القادمة؟ Łužica"
    assert len(rows) == 7


def test_csv_cells_that_a_spreadsheet_would_run_are_text() -> None:
    content = as_csv(table()).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))

    assert [row[1] for row in rows[2:6]] == [f"'{text}" for text in EVIL]
    # Quoted whole, so that a spreadsheet splitting at commas cannot open a cell either.
    assert '"Olena; ""die Erste""' in content
    assert all(line.startswith('"') for line in content.splitlines() if line[:1].isdigit())


def test_xlsx_has_a_header_widths_and_dates_as_dates() -> None:
    file = as_xlsx(table())

    assert file.name == "anfragen.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(file.content)).active
    assert sheet.title == "anfragen"
    assert [cell.value for cell in sheet[1]] == ["Nr.", "Name", "Eingang", "Tag"]
    assert sheet["A1"].font.bold
    assert sheet.column_dimensions["A"].width == 6
    assert sheet.column_dimensions["B"].width == 20
    assert sheet["C2"].value == datetime(2026, 12, 4, 18, 30)  # noqa: DTZ001 - Excel knows no zones
    assert sheet["C2"].is_date
    assert sheet["D2"].value == datetime(2026, 12, 24)  # noqa: DTZ001
    assert sheet["A2"].value == 1
    assert sheet["B7"].value == "متى الدورة القادمة؟ Łužica"


def test_xlsx_cells_that_a_spreadsheet_would_run_are_text() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx(table()).content)).active

    cells = [sheet.cell(row=row, column=2) for row in range(3, 7)]
    assert [cell.value for cell in cells] == list(EVIL)
    assert {cell.data_type for cell in cells} == {"s"}


def test_characters_xml_cannot_hold_are_left_out_of_xlsx() -> None:
    rows = [(1, "Zeile\x0bmit Steuerzeichen\x00")]
    sheet = openpyxl.load_workbook(
        io.BytesIO(as_xlsx(Table("x", (Column("Nr."), Column("Text")), rows)).content)
    ).active

    assert sheet["B2"].value == "Zeilemit Steuerzeichen"


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="a row of 1 cells, not 2"):
        Table("x", (Column("a"), Column("b")), [("only one",)])
