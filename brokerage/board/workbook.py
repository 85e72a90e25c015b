"""The board report as an XLSX workbook: one sheet per part, with the numbers the page and
the PDF show. Text a spreadsheet would run as a formula is written as text (see
brokerage/spreadsheets.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date

from ..charts import Tally
from ..spreadsheets import workbook_bytes
from .report import BoardReport

Cell = str | int | float | date | None
Rows = Callable[[BoardReport], Iterator[list[Cell]]]


def _pounds(pence: int | None) -> float | None:
    return None if pence is None else round(pence / 100, 2)


def _share(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def group_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for group in report.groups:
        end = group.at_end
        yield [
            group.name,
            group.at_start.rag.label,
            end.rag.label,
            end.total,
            end.done,
            end.at_risk,
            end.troubled,
            end.overdue,
            len(group.changes),
        ]


def change_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for group in report.groups:
        for change in group.changes:
            action = change.action
            yield [
                group.name,
                action.objective.number,
                action.description or action.objective.title,
                change.update.status_enum.label,
                change.update.note,
                change.update.created_at.date(),
            ]


def kpi_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for line in report.kpis:
        objective = line.kpi.objective
        yield [
            objective.working_group.name,
            objective.number,
            line.kpi.name,
            line.before,
            line.added,
            line.total,
            line.target,
            _share(line.share_of_target),
        ]


def funnel_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for step in report.brokerage.funnel:
        yield [step.label, step.count, _share(step.conversion)]


def _tally_rows(tallies: Sequence[Tally]) -> Iterator[list[Cell]]:
    for tally in tallies:
        yield [tally.label, len(tally.outcomes), tally.units_text, _pounds(tally.pence)]


def charter_rows(report: BoardReport) -> Iterator[list[Cell]]:
    charter = report.charter
    yield ["Signees with a term in the quarter", charter.impact.signees]
    yield ["Signees approved in the quarter", charter.new_signees]
    yield ["Pledges made by those signees", charter.impact.made]
    yield ["Pledges implemented, at check-ins held in the quarter", charter.impact.implemented]
    for count in charter.check_ins:
        yield [f"{count.kind.label}s due", count.due]
        yield [f"{count.kind.label}s held", count.held]
        yield [f"{count.kind.label}s due and not held by the quarter's end", count.not_held]


def pledge_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for line in report.charter.impact.pledges:
        yield [line.pledge.code, line.pledge.title, line.chosen, line.implemented]


def funding_rows(report: BoardReport) -> Iterator[list[Cell]]:
    for project in report.projects:
        yield [
            project.name,
            project.working_group.name if project.working_group else "",
            _pounds(project.total_pence),
            _pounds(project.secured_pence),
            _pounds(project.hoped_for_pence),
            _pounds(project.still_needed_pence),
        ]


TALLY_COLUMNS = ("Verified outcomes", "Units", "Value (£)")
SHEETS: tuple[tuple[str, tuple[str, ...], Rows], ...] = (
    (
        "Working groups",
        (
            "Working group",
            "RAG at the start",
            "RAG at the end",
            "Actions",
            "Done",
            "At risk",
            "Off track or overdue",
            "Overdue",
            "Updates in the quarter",
        ),
        group_rows,
    ),
    (
        "Changes",
        ("Working group", "Objective", "Action", "Status", "Note", "Posted on"),
        change_rows,
    ),
    (
        "KPIs",
        (
            "Working group",
            "Objective",
            "KPI",
            "Total at the start",
            "Added in the quarter",
            "Total at the end",
            "Target",
            "Share of target",
        ),
        kpi_rows,
    ),
    ("Funnel", ("Step", "Matches", "Share of the step before"), funnel_rows),
    (
        "Value by theme",
        ("TOMs theme", *TALLY_COLUMNS),
        lambda report: _tally_rows(report.brokerage.by_theme),
    ),
    (
        "Value by district",
        ("District", *TALLY_COLUMNS),
        lambda report: _tally_rows(report.brokerage.by_district),
    ),
    ("Charter", ("Figure", "Number"), charter_rows),
    ("Pledges", ("Pledge code", "Pledge", "Made", "Implemented"), pledge_rows),
    (
        "Funding",
        (
            "Project",
            "Working group",
            "Needed (£)",
            "Secured (£)",
            "Applied for or promised (£)",
            "Still to find (£)",
        ),
        funding_rows,
    ),
)
WIDE = {"Working group": 28, "Action": 60, "Note": 60, "KPI": 50, "Pledge": 50, "Figure": 56}


def board_report_xlsx(report: BoardReport) -> bytes:
    quarter = report.quarter
    sheets = [(title, columns, rows(report)) for title, columns, rows in SHEETS]
    return workbook_bytes(f"Board report {quarter.label} ({quarter.title})", sheets, WIDE)
