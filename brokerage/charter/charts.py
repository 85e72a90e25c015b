"""The impact report's charts: the shared server-drawn bar charts (brokerage/charts.py),
each row a part of a whole (pledges implemented of those made). Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

from ..charts import BarChart, part_bars
from .report import GroupCount, ImpactReport

# The pledges chart spans the page; a breakdown's chart shares its row with another.
WIDE, NARROW = (640, 320), (540, 200)


@dataclass(frozen=True)
class ReportChart(BarChart):
    # What the pale and the dark bars stand for, where they differ.
    legend: tuple[str, str] | None = None

    @property
    def narrow(self) -> bool:
        return self.width < WIDE[0]


def _made_and_implemented(made: int, implemented: int) -> str:
    share = f" ({implemented / made:.0%})" if made else ""
    return f"{made} made, {implemented} implemented{share}"


def pledges_chart(report: ImpactReport) -> ReportChart:
    rows = [
        (
            f"{line.pledge.code} {line.pledge.title}",
            line.implemented,
            line.chosen,
            _made_and_implemented(line.chosen, line.implemented),
        )
        for line in report.pledges
    ]
    return ReportChart(
        id="chart-pledges",
        title="Pledges made and implemented",
        bars=part_bars(rows, WIDE[1]),
        width=WIDE[0],
        plot_width=WIDE[1],
        legend=("made", "implemented"),
    )


def signees_chart(dimension: str, groups: list[GroupCount]) -> ReportChart:
    rows = [
        (
            group.label,
            group.signees,
            group.signees,
            f"{group.signees} signee{'s' if group.signees != 1 else ''}"
            + f"; {_made_and_implemented(group.made, group.implemented)}",
        )
        for group in groups
    ]
    return ReportChart(
        id=f"chart-{dimension.lower()}",
        title=f"Signees by {dimension.lower()}",
        bars=part_bars(rows, NARROW[1]),
        width=NARROW[0],
        plot_width=NARROW[1],
    )


def report_charts(report: ImpactReport) -> dict[str, ReportChart]:
    """The pledges chart, then one chart per breakdown (sector, size, district)."""
    return {"Pledges": pledges_chart(report)} | {
        dimension: signees_chart(dimension, groups) for dimension, groups in report.groups.items()
    }
