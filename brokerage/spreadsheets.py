"""Cells for spreadsheets people open in Excel: CSV values and XLSX cells that are never run
as formulas. Pure: no Flask, no database, so any feature's export may use it.

Text from people could start with = + - or @, which a spreadsheet would run as a formula
("CSV injection"). Such cells are written as text that can never be a formula: in CSV with
a leading apostrophe, in XLSX as a text cell marked as quoted (what Excel itself stores when
someone types an apostrophe first).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What a spreadsheet reads as the start of a formula (tab and carriage return too: some
# programs drop them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The content type of each spreadsheet format an export offers, by file extension.
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_writer(out: Any, **options: Any) -> Any:
    """A csv.writer for an export people open in a spreadsheet: every cell quoted, so a
    spreadsheet that splits on `;` (as European Excel does) never starts a new cell inside
    one of ours, where `;=...` would be read as a formula."""
    return csv.writer(out, quoting=csv.QUOTE_ALL, **options)


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: object) -> object:
    """A cell for csv.writer: dates as ISO text, None empty, would-be formulas quoted."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return f"'{value}" if looks_like_formula(value) else value


def mark_text_and_dates(rows: Iterable[Sequence[Any]]) -> None:
    """Fix openpyxl cells after appending: would-be formulas as quoted text, dates as dates."""
    for cells in rows:
        for cell in cells:
            if looks_like_formula(cell.value):
                # openpyxl took it for a formula: make it text, shown as written.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def workbook_bytes(
    heading: str,
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]],
    widths: Mapping[str, int],
) -> bytes:
    """An XLSX workbook of a report, one sheet per (title, columns, rows): each sheet opens
    with "heading: title" in bold, then its column names, frozen above the rows. A column
    is as wide as `widths` says, or as its name."""
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty sheet a new workbook opens with
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([f"{heading}: {title.lower()}"])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append(list(columns))
        for cell in sheet[2]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(list(row))
        mark_text_and_dates(sheet.iter_rows(min_row=3))
        for index, column in enumerate(columns, start=1):
            width = widths.get(column, max(12, len(column) + 2))
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A3"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
