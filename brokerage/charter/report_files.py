"""The impact report as files: one long CSV (a `Row` column says what each row is) and an
XLSX workbook with a sheet per part. Pure: no Flask, no database. Text a spreadsheet would
run as a formula is written as text (see brokerage/spreadsheets.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date

from ..spreadsheets import csv_value, csv_writer, workbook_bytes
from .choices import Unit
from .report import ImpactReport

Cell = str | int | float | date | None

SUMMARY_COLUMNS = ("Row", "Group", "Signees", "Pledges made", "Implemented", "At baseline")
PLEDGE_COLUMNS = ("Pledge code", "Pledge", "Pledges made", "Implemented", "At baseline")
FIGURE_COLUMNS = ("Pledge code", "Pledge", "Unit", "Baseline", "Latest", "Change from baseline")
NARRATIVE_COLUMNS = (
    "Pledge code",
    "Pledge",
    "Organisation",
    "Check-in",
    "Held on",
    "Narrative",
    "Selected for the report",
)


def _number(value: float | None, unit: Unit) -> float | int | None:
    """A figure as a spreadsheet number: money in pounds, percentages to one decimal."""
    if value is None:
        return None
    if unit is Unit.POUNDS:
        return round(value / 100, 2)
    return round(value, 1) if unit is Unit.PERCENT else int(value)


def summary_rows(report: ImpactReport) -> Iterator[list[Cell]]:
    yield [
        "total",
        "All signees",
        report.signees,
        report.made,
        report.implemented,
        report.implemented_at_baseline,
    ]
    for dimension, groups in report.groups.items():
        for group in groups:
            yield [dimension.lower(), group.label, group.signees, group.made, group.implemented]


def pledge_rows(report: ImpactReport) -> Iterator[list[Cell]]:
    for line in report.pledges:
        yield [
            line.pledge.code,
            line.pledge.title,
            line.chosen,
            line.implemented,
            line.implemented_at_baseline,
        ]


def figure_rows(report: ImpactReport) -> Iterator[list[Cell]]:
    for line in report.pledges:
        for figure in line.figures:
            unit = figure.unit
            yield [
                line.pledge.code,
                line.pledge.title,
                unit.value,
                _number(figure.baseline, unit),
                _number(figure.latest, unit),
                _number(figure.change, unit),
            ]


def narrative_rows(report: ImpactReport) -> Iterator[list[Cell]]:
    for line in report.pledges:
        for record in line.narratives:
            yield [
                line.pledge.code,
                line.pledge.title,
                record.organisation,
                record.kind.label,
                record.held_on,
                record.narrative,
                "yes" if record.in_report else "no",
            ]


SHEETS = (
    ("Summary", SUMMARY_COLUMNS, summary_rows),
    ("Pledges", PLEDGE_COLUMNS, pledge_rows),
    ("Figures", FIGURE_COLUMNS, figure_rows),
    ("Narratives", NARRATIVE_COLUMNS, narrative_rows),
)


def report_csv(report: ImpactReport) -> str:
    """Every sheet one after another, each under its own heading row, in one CSV (UTF-8
    with a byte-order mark, so spreadsheets read the £)."""
    out = io.StringIO()
    writer = csv_writer(out)
    for title, columns, rows in SHEETS:
        writer.writerow([title, *columns])
        for row in rows(report):
            writer.writerow([title.lower(), *(csv_value(v) for v in row)])
    return "\ufeff" + out.getvalue()


def report_xlsx(report: ImpactReport) -> bytes:
    sheets = [(title, columns, rows(report)) for title, columns, rows in SHEETS]
    wide = {"Pledge": 40, "Narrative": 70, "Group": 34, "Organisation": 28}
    return workbook_bytes(f"Charter impact report {report.label}", sheets, wide)
