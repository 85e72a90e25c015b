"""Horizontal bar charts laid out for server-rendered SVG (each bar's label above it, its
figures beside it, the whole chart in words as its text alternative), and the tally of
social value that the review dashboard and the public impact page chart. Pure: no Flask,
no database, so any feature may use it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from .formatting import format_pounds, format_quantity

WIDTH, PLOT_WIDTH = 760, 300
LABEL_HEIGHT, BAR_HEIGHT, ROW_GAP = 16, 14, 12
ROW_HEIGHT = LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP


@dataclass(frozen=True)
class Bar:
    label: str
    number: float
    text: str
    y: float
    width: float

    @property
    def bar_y(self) -> float:
        return self.y + LABEL_HEIGHT

    @property
    def text_y(self) -> float:
        return self.bar_y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    bars: Sequence[Bar]
    width: int = WIDTH
    plot_width: int = PLOT_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def text_x(self) -> int:
        """Figures start just right of the longest possible bar, so they line up."""
        return self.plot_width + 8

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * ROW_HEIGHT

    @property
    def description(self) -> str:
        """The chart in words, for people who cannot see it."""
        if not self.bars:
            return "Nothing to show yet."
        return "; ".join(f"{bar.label}: {bar.text}" for bar in self.bars) + "."


def bar_chart(
    chart_id: str, title: str, rows: Sequence[tuple[str, float, str]], largest: float = 0
) -> BarChart:
    """Rows of (label, number, text beside the bar), scaled to `largest` (default: the
    largest number; give 1 for shares, so 50% is always half the width)."""
    top = max([largest, *(number for _, number, _ in rows)]) or 1
    return BarChart(
        id=chart_id,
        title=title,
        bars=[
            Bar(label, number, text, index * ROW_HEIGHT, PLOT_WIDTH * number / top)
            for index, (label, number, text) in enumerate(rows)
        ],
    )


@dataclass(frozen=True)
class PartBar(Bar):
    """A bar (`number`, say pledges implemented) drawn over a paler one as long as `whole`
    (pledges made); both are scaled to the chart's largest whole."""

    whole: float = 0
    whole_width: float = 0

    @property
    def text_x(self) -> float:
        """Figures just right of this row's longer bar."""
        return max(self.whole_width, self.width) + 8


def part_bars(rows: Sequence[tuple[str, float, float, str]], plot_width: int) -> list[PartBar]:
    """Rows of (label, part, whole, text beside the bars), laid out like `bar_chart`'s."""
    top = max([0, *(whole for _, _, whole, _ in rows)]) or 1
    return [
        PartBar(
            label,
            part,
            text,
            index * ROW_HEIGHT,
            plot_width * part / top,
            whole=whole,
            whole_width=plot_width * whole / top,
        )
        for index, (label, part, whole, text) in enumerate(rows)
    ]


@dataclass
class Tally:
    """Verified social value of one group: outcomes, £ where a proxy value gave one, and
    units per unit of measure (different units are never added together)."""

    label: str
    outcomes: set[int] = field(default_factory=set)
    pence: int | None = None
    units: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, match_id: int, unit: str, quantity: Decimal, value_pence: int | None) -> None:
        self.outcomes.add(match_id)
        self.units[unit or "units"] += quantity
        if value_pence is not None:
            self.pence = (self.pence or 0) + value_pence

    @property
    def units_text(self) -> str:
        return ", ".join(f"{format_quantity(q)} {unit}" for unit, q in sorted(self.units.items()))

    @property
    def pounds_text(self) -> str:
        return (
            format_pounds(self.pence, pennies="never") if self.pence is not None else "no £ value"
        )

    @property
    def text(self) -> str:
        """Short enough to sit beside a bar; the units are in the table beside the chart."""
        count = len(self.outcomes)
        pounds = f"; {self.pounds_text}" if self.pence is not None else ""
        return f"{count} outcome{'s' if count != 1 else ''}{pounds}"


def tallies(rows: Sequence[tuple[str, int, str, Decimal, int | None]]) -> list[Tally]:
    """Rows of (group, match id, unit, quantity, value in pence) as one Tally per group,
    the group with the most outcomes first."""
    groups: dict[str, Tally] = {}
    for group, match_id, unit, quantity, pence in rows:
        groups.setdefault(group, Tally(group)).add(match_id, unit, quantity, pence)
    return sorted(groups.values(), key=lambda t: (-len(t.outcomes), t.label))


def tally_chart(chart_id: str, title: str, groups: Sequence[Tally]) -> BarChart:
    """Bars as long as each group's number of verified outcomes, its figures beside it."""
    return bar_chart(chart_id, title, [(t.label, len(t.outcomes), t.text) for t in groups])
