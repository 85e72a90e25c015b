"""KPIs that other features count, written into the plan as monthly values.

The plan may not import its sibling features, and they may not import it. So each count
is registered here at app creation (`create_app`, the one place that knows both sides),
under the name of the KPI it feeds; `flask plan sync-kpis`, run daily from cron, writes
one value per month per source. Values it wrote carry the source's key, so a second run
updates them instead of adding more, and values staff record by hand are never touched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..formatting import format_month
from .models import Kpi, KpiMeasure, KpiValue

EXTENSION = "plan_kpi_sources"
OUTCOMES = "plan_outcome_totals"
# The key on values written from verified outcomes (KpiValue.source).
OUTCOMES_KEY = "brokerage.verified_outcomes"
# TOMs measure codes -> the first day of a month -> the quantity verified in that month.
OutcomeTotals = Callable[[frozenset[str]], dict[date, Decimal]]
# The first day of a month -> how many happened in that month.
MonthlyCounts = Callable[[], dict[date, int]]


@dataclass(frozen=True)
class KpiSource:
    key: str
    kpi_name: str
    counts: MonthlyCounts
    # What one unit counted is, for the value's note: "new charter signees".
    counted: str


def register_kpi_source(app: Flask, source: KpiSource) -> None:
    app.extensions.setdefault(EXTENSION, {})[source.key] = source


def registered_sources(app: Flask) -> list[KpiSource]:
    return list(app.extensions.get(EXTENSION, {}).values())


def register_outcome_totals(app: Flask, totals: OutcomeTotals) -> None:
    """What the brokerage's verified outcomes add up to, for KPIs staff link to measures."""
    app.extensions[OUTCOMES] = totals


def registered_outcome_totals(app: Flask) -> OutcomeTotals | None:
    return app.extensions.get(OUTCOMES)


@dataclass(frozen=True)
class SyncReport:
    lines: tuple[str, ...]

    def summary(self) -> str:
        return "\n".join(self.lines) or "No KPI sources are registered."


def sync_kpi_sources(sources: Iterable[KpiSource]) -> SyncReport:
    """Make each fed KPI's values from a source equal the source's monthly counts."""
    lines = []
    for source in sources:
        counts = {month.replace(day=1): n for month, n in source.counts().items() if n > 0}
        kpis = db.session.scalars(
            select(Kpi).where(Kpi.name == source.kpi_name).options(selectinload(Kpi.values))
        ).all()
        if not kpis:
            lines.append(f"{source.kpi_name}: no such KPI in any plan; nothing written.")
        for kpi in kpis:
            changed = _sync(kpi, source, counts)
            lines.append(
                f"{kpi.name}: {sum(counts.values()):,} over {len(counts)} month(s) "
                f"from {source.key}; {changed} value(s) written or removed."
            )
    db.session.flush()
    return SyncReport(tuple(lines))


def sync_outcome_kpis(totals: OutcomeTotals | None) -> SyncReport:
    """Make each KPI linked to TOMs measures hold one value per month: the quantity of
    those measures verified that month (rounded to a whole number)."""
    if totals is None:
        return SyncReport(())
    lines = []
    linked = db.session.scalars(
        select(Kpi)
        .where(Kpi.measures.any())
        .options(selectinload(Kpi.values), selectinload(Kpi.measures))
    ).all()
    for kpi in linked:
        codes = frozenset(link.measure_code for link in kpi.measures)
        counts = {
            month.replace(day=1): int(quantity.to_integral_value(ROUND_HALF_UP))
            for month, quantity in totals(codes).items()
        }
        counts = {month: n for month, n in counts.items() if n > 0}
        counted = f"{kpi.unit or 'units'} of {', '.join(sorted(codes))} in verified outcomes"
        source = KpiSource(OUTCOMES_KEY, kpi.name, _counted_already(counts), counted)
        changed = _sync(kpi, source, counts)
        lines.append(
            f"{kpi.name}: {sum(counts.values()):,} over {len(counts)} month(s) from verified "
            f"outcomes of {', '.join(sorted(codes))}; {changed} value(s) written or removed."
        )
    db.session.flush()
    return SyncReport(tuple(lines))


def _counted_already(counts: dict[date, int]) -> MonthlyCounts:
    """A source that gives back counts already read."""
    return lambda: counts


def link_measures(kpi: Kpi, codes: list[str]) -> None:
    """Set the TOMs measures whose verified outcomes feed the KPI (codes already checked)."""
    kept = {link.measure_code: link for link in kpi.measures}
    kpi.measures = [kept.get(code) or KpiMeasure(measure_code=code) for code in sorted(codes)]
    db.session.flush()


def _sync(kpi: Kpi, source: KpiSource, counts: dict[date, int]) -> int:
    fed = {v.recorded_on: v for v in kpi.values if v.source == source.key}
    changed = 0
    for month, value in fed.items():
        if month not in counts:
            kpi.values.remove(value)
            changed += 1
    for month, count in counts.items():
        note = f"{count:,} {source.counted} in {format_month(month)} (counted automatically)"
        written = fed.get(month)
        if written is None:
            kpi.values.append(
                KpiValue(recorded_on=month, source=source.key, value=count, note=note)
            )
            changed += 1
        elif (written.value, written.note) != (count, note):
            written.value, written.note = count, note
            changed += 1
    kpi.values.sort(key=lambda v: v.recorded_on)
    return changed
