"""Actions as a spreadsheet (CSV or XLSX), safe to open in Excel: cells that would run as
formulas are written as text (see brokerage/spreadsheets.py)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ..spreadsheets import csv_value, csv_writer, mark_text_and_dates
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
COLUMN_WIDTHS = {1: 24, 3: 40, 5: 60, 6: 24, 7: 22, 14: 60}


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
    writer = csv_writer(out)
    writer.writerow(HEADINGS)
    for row in rows:
        writer.writerow(csv_value(value) for value in row)
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(rows: Sequence[Sequence[Cell]], title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]  # the sheet a new workbook opens with
    sheet.title = title[:31]
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(list(row))
    mark_text_and_dates(sheet.iter_rows(min_row=2))
    for column, width in COLUMN_WIDTHS.items():
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
