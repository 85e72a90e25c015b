"""Actions as a spreadsheet (CSV or XLSX), safe to open in Excel.

Text from the plan or from people could start with = + - or @, which a spreadsheet would
run as a formula ("CSV injection"). Such cells are written as text that can never be a
formula: in CSV with a leading apostrophe, in XLSX as a text cell marked as quoted (what
Excel itself stores when someone types an apostrophe first).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from .models import Action

Cell = str | int | date | None

HEADINGS = (
    "Working group",
    "Objective",
    "What we will do",
    "Stream",
    "How will we do it",
    "Responsible lead",
    "Timescale",
    "Starts",
    "Ends",
    "Phase",
    "Status",
    "Overdue",
    "Last update",
    "Latest note",
)
# What a spreadsheet reads as the start of a formula (tab and carriage return too: some
# programs drop them and read what follows).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
COLUMN_WIDTHS = {1: 24, 3: 40, 5: 60, 6: 24, 7: 22, 14: 60}


def looks_like_formula(value: Cell) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def action_rows(actions: Iterable[Action], today: date) -> list[list[Cell]]:
    """One row per action, in the order given, under HEADINGS."""
    rows: list[list[Cell]] = []
    for action in actions:
        objective = action.objective
        latest = action.updates[0] if action.updates else None
        rows.append(
            [
                objective.working_group.name,
                objective.number,
                objective.title,
                objective.stream or "",
                action.description,
                action.lead_text,
                action.timescale,
                action.starts_on,
                action.ends_on,
                action.phase_enum.label if action.phase_enum else "",
                action.status_enum.label,
                "yes" if action.is_overdue(today) else "no",
                latest.created_at.date() if latest else None,
                latest.note if latest else "",
            ]
        )
    return rows


def to_csv(rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte order mark, so Excel reads the dashes and quotes correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow(_csv_cell(value) for value in row)
    return out.getvalue().encode("utf-8-sig")


def _csv_cell(value: Cell) -> str | int:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if looks_like_formula(value):
        return f"'{value}"
    return value


def to_xlsx(rows: Sequence[Sequence[Cell]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if looks_like_formula(cell.value):
                # openpyxl took it for a formula: make it text, shown as written.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
