"""Exports in the import's columns, so an exported CSV file imports again unchanged.

Cells that a spreadsheet would run as a formula are neutralised (see formats.neutralise).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..spreadsheets import csv_writer
from . import listings, organisations
from .formats import Kind, neutralise


def rows_of(kind: Kind) -> Iterator[dict[str, str]]:
    """Every record of this kind, in the import's columns."""
    if kind.listing is None:
        return organisations.export_rows(kind)
    return listings.export_rows(kind)


def csv_lines(kind: Kind, rows: Iterable[dict[str, str]] | None = None) -> Iterator[str]:
    """The CSV file, a line at a time (for a streamed download), with a BOM so that
    spreadsheets open it as UTF-8."""
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\r\n")
    writer.writerow(kind.all_columns)
    yield "\ufeff" + _take(buffer)
    for row in rows if rows is not None else rows_of(kind):
        writer.writerow([neutralise(row[column]) for column in kind.all_columns])
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def write_csv(kind: Kind, handle: IO[str]) -> int:
    """Write the export to an open text file; returns the number of records."""
    lines = 0
    for line in csv_lines(kind):
        handle.write(line)
        lines += 1
    return lines - 1


def write_xlsx(kind: Kind, handle: IO[bytes]) -> int:
    """The same export as an Excel workbook. Every cell is typed as text, which Excel
    never runs as a formula, so cells are written as they are, with no apostrophe."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(kind.name)
    sheet.append(list(kind.all_columns))
    count = 0
    for row in rows_of(kind):
        sheet.append([_text_cell(sheet, row[column]) for column in kind.all_columns])
        count += 1
    workbook.save(handle)
    return count


def _text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    return cell
