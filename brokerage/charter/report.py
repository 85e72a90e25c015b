"""The annual impact report, computed from plain rows (no database).

For each signee and pledge the year's check-ins are read in order: the last one's status
says whether the pledge is implemented and the baseline meeting's says where it started;
the last figure recorded is its latest figure and the baseline meeting's figure is its
baseline. Figures add up by unit, except percentages, which are averaged. The change from
baseline compares like with like: only signees with both a baseline and a later figure.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from ..listings.choices import Size
from ..places.districts import reported_districts
from .choices import CheckInKind, PledgeProgress, Sector, Unit
from .schedule import financial_year_bounds

E = TypeVar("E", Sector, Size)


@dataclass(frozen=True)
class PledgeRow:
    id: int
    code: str
    title: str
    code_note: str = ""


@dataclass(frozen=True)
class SigneeRow:
    id: int
    sector: Sector
    size: Size
    district: str


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
    record_id: int = 0
    in_report: bool = False


@dataclass(frozen=True)
class FigureTotal:
    unit: Unit
    baseline: float | None
    baseline_signees: int
    latest: float
    latest_signees: int
    # Latest minus baseline over the signees who have both (None when none has both).
    change: float | None = None
    change_signees: int = 0


@dataclass(frozen=True)
class PledgeImpact:
    pledge: PledgeRow
    chosen: int
    implemented: int
    figures: list[FigureTotal]
    narratives: list[RecordRow]
    implemented_at_baseline: int = 0

    @property
    def share_implemented(self) -> float:
        return self.implemented / self.chosen if self.chosen else 0.0

    @property
    def selected_narratives(self) -> list[RecordRow]:
        return [r for r in self.narratives if r.in_report]


@dataclass(frozen=True)
class GroupCount:
    """One sector, size band or district: its signees and their pledges."""

    label: str
    signees: int
    made: int
    implemented: int


@dataclass(frozen=True)
class ImpactReport:
    year: int
    signees: int
    by_sector: dict[Sector, int]
    by_size: dict[Size, int]
    pledges: list[PledgeImpact]
    groups: dict[str, list[GroupCount]]
    # The days the report covers when not the whole financial year (a board's quarter).
    period: tuple[date, date] | None = None

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"

    @property
    def bounds(self) -> tuple[date, date]:
        return self.period or financial_year_bounds(self.year)

    @property
    def made(self) -> int:
        return sum(line.chosen for line in self.pledges)

    @property
    def implemented(self) -> int:
        return sum(line.implemented for line in self.pledges)

    @property
    def implemented_at_baseline(self) -> int:
        return sum(line.implemented_at_baseline for line in self.pledges)

    @property
    def selected_narratives(self) -> int:
        return sum(len(line.selected_narratives) for line in self.pledges)


def build_report(
    year: int,
    pledges: list[PledgeRow],
    signees: list[SigneeRow],
    chosen: Iterable[tuple[int, int]],
    records: Iterable[RecordRow],
    period: tuple[date, date] | None = None,
) -> ImpactReport:
    """`chosen` holds (signee id, pledge id) pairs in force in the year (or `period`)."""
    history: dict[tuple[int, int], list[RecordRow]] = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.held_on, r.kind.order)):
        history[record.signee_id, record.pledge_id].append(record)
    chosen = list(chosen)
    by_pledge: dict[int, list[int]] = defaultdict(list)
    for signee_id, pledge_id in chosen:
        by_pledge[pledge_id].append(signee_id)
    done = {key for key, h in history.items() if _is_implemented(h)}
    return ImpactReport(
        year=year,
        signees=len(signees),
        by_sector=_counted(Sector, (s.sector for s in signees)),
        by_size=_counted(Size, (s.size for s in signees)),
        pledges=[
            _pledge_impact(pledge, [history[s, pledge.id] for s in by_pledge[pledge.id]])
            for pledge in pledges
        ],
        groups={
            "Sector": _groups(signees, chosen, done, lambda s: s.sector.label, Sector),
            "Size": _groups(signees, chosen, done, lambda s: s.size.label, Size),
            "District": _groups(signees, chosen, done, lambda s: s.district, reported_districts()),
        },
        period=period,
    )


def _is_implemented(history: list[RecordRow]) -> bool:
    return bool(history) and history[-1].status is PledgeProgress.IMPLEMENTED


def _counted(kinds: type[E], values: Iterable[E]) -> dict[E, int]:
    counts = Counter(values)
    return {kind: counts[kind] for kind in kinds}


def _groups(
    signees: list[SigneeRow],
    chosen: list[tuple[int, int]],
    done: set[tuple[int, int]],
    label_of: Callable[[SigneeRow], str],
    order: Iterable[Sector | Size | str],
) -> list[GroupCount]:
    """Every group in `order` (an enum's members or district names), none left out."""
    labels = [getattr(item, "label", item) for item in order]
    group_of = {s.id: label_of(s) for s in signees}
    signees_in = Counter(group_of.values())
    made = Counter(group_of[s] for s, _ in chosen if s in group_of)
    implemented = Counter(group_of[s] for s, p in chosen if s in group_of and (s, p) in done)
    return [GroupCount(g, signees_in[g], made[g], implemented[g]) for g in labels]


def _pledge_impact(pledge: PledgeRow, histories: list[list[RecordRow]]) -> PledgeImpact:
    baseline = [next((r for r in h if r.kind is CheckInKind.BASELINE), None) for h in histories]
    return PledgeImpact(
        pledge=pledge,
        chosen=len(histories),
        implemented=sum(1 for h in histories if _is_implemented(h)),
        figures=_figures(histories),
        narratives=[r for h in histories for r in h if r.narrative],
        implemented_at_baseline=sum(
            1 for r in baseline if r is not None and r.status is PledgeProgress.IMPLEMENTED
        ),
    )


def _combine(unit: Unit, values: list[int]) -> float:
    return float(sum(values)) if unit.is_additive else sum(values) / len(values)


class _Figure(NamedTuple):
    record: RecordRow
    unit: Unit
    quantity: int


def _figure(record: RecordRow) -> _Figure | None:
    """The figure a record states, if it gives both a quantity and its unit."""
    if record.unit and record.quantity is not None:
        return _Figure(record, record.unit, record.quantity)
    return None


def _figures(histories: list[list[RecordRow]]) -> list[FigureTotal]:
    """Per unit: the baseline figures, the latest figures, and the change for those with both."""
    latest: dict[Unit, list[int]] = defaultdict(list)
    baseline: dict[Unit, list[int]] = defaultdict(list)
    change: dict[Unit, list[int]] = defaultdict(list)
    for history in histories:
        figures = [figure for figure in map(_figure, history) if figure is not None]
        last = figures[-1] if figures else None
        first = next((f for f in figures if f.record.kind is CheckInKind.BASELINE), None)
        if last is not None:
            latest[last.unit].append(last.quantity)
        if first is not None:
            baseline[first.unit].append(first.quantity)
        if first is not None and last is not None and last is not first and last.unit is first.unit:
            change[last.unit].append(last.quantity - first.quantity)
    return [
        FigureTotal(
            unit=unit,
            baseline=_combine(unit, baseline[unit]) if baseline[unit] else None,
            baseline_signees=len(baseline[unit]),
            latest=_combine(unit, values),
            latest_signees=len(values),
            change=_combine(unit, change[unit]) if change[unit] else None,
            change_signees=len(change[unit]),
        )
        for unit, values in sorted(latest.items())
    ]


def format_figure(value: float | None, unit: Unit) -> str:
    """How a figure reads on the page: money from pence, percentages to one decimal."""
    if value is None:
        return "—"
    if unit is Unit.POUNDS:
        return f"£{value / 100:,.0f}".replace("£-", "−£")
    if unit is Unit.PERCENT:
        return f"{value:.1f}%".replace(".0%", "%")
    return f"{value:,.0f} {unit.value}"


def format_change(value: float | None, unit: Unit) -> str:
    """A change with its sign: +120 hours, −£500, +5 percentage points."""
    if value is None:
        return "—"
    sign = "+" if value >= 0 else "−"
    if unit is Unit.PERCENT:
        points = f"{abs(value):.1f}".removesuffix(".0")
        return f"{sign}{points} percentage points"
    return sign + format_figure(abs(value), unit)
