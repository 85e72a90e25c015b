"""The annual impact report, computed from plain rows (no database), and its CSV.

For each signee and pledge the year's check-ins are read in order: the last one's status
says whether the pledge is implemented; the last figure recorded is its latest figure and
the baseline meeting's figure is its baseline. Figures add up by unit, except percentages,
which are averaged.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from ..listings.choices import Size
from .choices import CheckInKind, PledgeProgress, Sector, Unit
from .schedule import financial_year_bounds

# A cell starting with one of these is a formula to a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
E = TypeVar("E", Sector, Size)


@dataclass(frozen=True)
class PledgeRow:
    id: int
    code: str
    title: str
    code_note: str = ""


@dataclass(frozen=True)
class RecordRow:
    """One pledge's record at one check-in held in the year."""

    signee_id: int
    organisation: str
    pledge_id: int
    kind: CheckInKind
    held_on: date
    status: PledgeProgress
    quantity: int | None
    unit: Unit | None
    narrative: str


@dataclass(frozen=True)
class FigureTotal:
    unit: Unit
    baseline: float | None
    baseline_signees: int
    latest: float
    latest_signees: int


@dataclass(frozen=True)
class PledgeImpact:
    pledge: PledgeRow
    chosen: int
    implemented: int
    figures: list[FigureTotal]
    narratives: list[RecordRow]

    @property
    def share_implemented(self) -> float:
        return self.implemented / self.chosen if self.chosen else 0.0


@dataclass(frozen=True)
class ImpactReport:
    year: int
    signees: int
    by_sector: dict[Sector, int]
    by_size: dict[Size, int]
    pledges: list[PledgeImpact]

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def bounds(self) -> tuple[date, date]:
        return financial_year_bounds(self.year)


def build_report(
    year: int,
    pledges: list[PledgeRow],
    signees: list[tuple[int, Sector, Size]],
    chosen: Iterable[tuple[int, int]],
    records: Iterable[RecordRow],
) -> ImpactReport:
    """`chosen` holds (signee id, pledge id) pairs in force in the year."""
    history: dict[tuple[int, int], list[RecordRow]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.held_on, r.kind.order)):
        history[record.signee_id, record.pledge_id].append(record)
    by_pledge: dict[int, list[int]] = defaultdict(list)
    for signee_id, pledge_id in chosen:
        by_pledge[pledge_id].append(signee_id)
    return ImpactReport(
        year=year,
        signees=len(signees),
        by_sector=_counted(Sector, (sector for _, sector, _ in signees)),
        by_size=_counted(Size, (size for _, _, size in signees)),
        pledges=[
            _pledge_impact(pledge, [history[s, pledge.id] for s in by_pledge[pledge.id]])
            for pledge in pledges
        ],
    )


def _counted(kinds: type[E], values: Iterable[E]) -> dict[E, int]:
    counts = Counter(values)
    return {kind: counts[kind] for kind in kinds}


def _pledge_impact(pledge: PledgeRow, histories: list[list[RecordRow]]) -> PledgeImpact:
    implemented = sum(1 for h in histories if h and h[-1].status is PledgeProgress.IMPLEMENTED)
    latest = [next((r for r in reversed(h) if r.unit), None) for h in histories]
    baseline = [
        next((r for r in h if r.kind is CheckInKind.BASELINE and r.unit), None) for h in histories
    ]
    return PledgeImpact(
        pledge=pledge,
        chosen=len(histories),
        implemented=implemented,
        figures=_figures([r for r in latest if r], [r for r in baseline if r]),
        narratives=[r for h in histories for r in h if r.narrative],
    )


def _combine(unit: Unit, values: list[int]) -> float:
    return float(sum(values)) if unit.is_additive else sum(values) / len(values)


def _figures(latest: list[RecordRow], baseline: list[RecordRow]) -> list[FigureTotal]:
    def by_unit(rows: list[RecordRow]) -> dict[Unit, list[int]]:
        grouped: dict[Unit, list[int]] = defaultdict(list)
        for row in rows:
            if row.unit is not None and row.quantity is not None:
                grouped[row.unit].append(row.quantity)
        return grouped

    latest_by_unit, baseline_by_unit = by_unit(latest), by_unit(baseline)
    return [
        FigureTotal(
            unit=unit,
            baseline=_combine(unit, baseline_by_unit[unit]) if baseline_by_unit[unit] else None,
            baseline_signees=len(baseline_by_unit[unit]),
            latest=_combine(unit, values),
            latest_signees=len(values),
        )
        for unit, values in sorted(latest_by_unit.items())
    ]


def format_figure(value: float | None, unit: Unit) -> str:
    """How a figure reads on the page: money from pence, percentages to one decimal."""
    if value is None:
        return "—"
    if unit is Unit.POUNDS:
        return f"£{value / 100:,.0f}"
    if unit is Unit.PERCENT:
        return f"{value:.1f}%".replace(".0%", "%")
    return f"{value:,.0f} {unit.value}"


def csv_cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_number(value: float | None, unit: Unit) -> str:
    if value is None:
        return ""
    if unit is Unit.POUNDS:
        return f"{value / 100:.2f}"
    return f"{value:.1f}" if unit is Unit.PERCENT else f"{value:.0f}"


CSV_COLUMNS = (
    "Row",
    "Pledge code",
    "Pledge",
    "Signees who chose it",
    "Implemented",
    "Share implemented",
    "Unit",
    "Baseline",
    "Latest",
    "Organisation",
    "Check-in",
    "Held on",
    "Narrative",
)


def report_csv(report: ImpactReport) -> str:
    """The report as CSV (UTF-8 with a byte-order mark, so spreadsheets read the £)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for line in report.pledges:
        code, title = line.pledge.code, line.pledge.title
        writer.writerow(
            [csv_cell(v) for v in ("pledge", code, title, line.chosen, line.implemented)]
            + [f"{line.share_implemented:.0%}"]
        )
        for figure in line.figures:
            writer.writerow(
                [csv_cell(v) for v in ("figure", code, title, "", "", "", figure.unit.value)]
                + [
                    _csv_number(figure.baseline, figure.unit),
                    _csv_number(figure.latest, figure.unit),
                ]
            )
        for record in line.narratives:
            writer.writerow(
                [csv_cell(v) for v in ("narrative", code, title)]
                + [""] * 6
                + [
                    csv_cell(record.organisation),
                    record.kind.label,
                    record.held_on.isoformat(),
                    csv_cell(record.narrative),
                ]
            )
    return "\ufeff" + out.getvalue()
