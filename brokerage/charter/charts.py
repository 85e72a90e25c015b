"""The impact report's charts, laid out for server-rendered SVG: horizontal bars, each with
its label above and its number beside it, and a sentence per bar as the text alternative.
Pure: no Flask, no database."""

from __future__ import annotations

from dataclasses import dataclass

from .report import GroupCount, ImpactReport

# The pledges chart spans the page; a breakdown's chart shares its row with another.
WIDE, NARROW = (640, 320), (540, 200)
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_GAP = 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


@dataclass(frozen=True)
class Bar:
    """One row: `part` of `whole` (whole is drawn behind, part over it), scaled to the
    chart's largest whole."""

    label: str
    part: int
    whole: int
    y: float
    part_width: float
    whole_width: float
    text: str

    @property
    def bar_y(self) -> float:
        return self.y + LABEL_HEIGHT

    @property
    def text_x(self) -> float:
        return max(self.whole_width, self.part_width) + 8

    @property
    def text_y(self) -> float:
        return self.bar_y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    legend: tuple[str, str] | None
    bars: list[Bar]
    width: int
    bar_height: int = BAR_HEIGHT

    @property
    def narrow(self) -> bool:
        return self.width < WIDE[0]

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def description(self) -> str:
        """The chart in words, for people who cannot see it."""
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars) + "."


def _bars(rows: list[tuple[str, int, int, str]], plot_width: int) -> list[Bar]:
    largest = max([whole for _, _, whole, _ in rows] + [1])
    return [
        Bar(
            label=label,
            part=part,
            whole=whole,
            y=index * ROW_HEIGHT,
            part_width=plot_width * part / largest,
            whole_width=plot_width * whole / largest,
            text=text,
        )
        for index, (label, part, whole, text) in enumerate(rows)
    ]


def _made_and_implemented(made: int, implemented: int) -> str:
    share = f" ({implemented / made:.0%})" if made else ""
    return f"{made} made, {implemented} implemented{share}"


def pledges_chart(report: ImpactReport) -> BarChart:
    return BarChart(
        id="chart-pledges",
        title="Pledges made and implemented",
        legend=("made", "implemented"),
        width=WIDE[0],
        bars=_bars(
            [
                (
                    f"{line.pledge.code} {line.pledge.title}",
                    line.implemented,
                    line.chosen,
                    _made_and_implemented(line.chosen, line.implemented),
                )
                for line in report.pledges
            ],
            WIDE[1],
        ),
    )


def signees_chart(dimension: str, groups: list[GroupCount]) -> BarChart:
    return BarChart(
        id=f"chart-{dimension.lower()}",
        title=f"Signees by {dimension.lower()}",
        legend=None,
        width=NARROW[0],
        bars=_bars(
            [
                (
                    group.label,
                    group.signees,
                    group.signees,
                    f"{group.signees} signee{'s' if group.signees != 1 else ''}"
                    + (f"; {_made_and_implemented(group.made, group.implemented)}"),
                )
                for group in groups
            ],
            NARROW[1],
        ),
    )


def report_charts(report: ImpactReport) -> dict[str, BarChart]:
    """The pledges chart, then one chart per breakdown (sector, size, district)."""
    return {"Pledges": pledges_chart(report)} | {
        dimension: signees_chart(dimension, groups) for dimension, groups in report.groups.items()
    }
