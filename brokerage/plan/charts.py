"""A KPI's trend: the running total of its recorded values over time, laid out for a small
SVG chart with each point's number beside it. Pure: no Flask, no database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

WIDTH, HEIGHT = 420, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 56, 16, 28


class Recorded(Protocol):
    recorded_on: date
    value: int


@dataclass(frozen=True)
class Point:
    on: date
    total: int
    x: float
    y: float


@dataclass(frozen=True)
class Trend:
    points: list[Point]
    top_value: int
    target: int | None
    target_y: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    plot_top: int = TOP
    baseline: int = HEIGHT - BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def total(self) -> int:
        return self.points[-1].total if self.points else 0


def running_totals(values: Iterable[Recorded]) -> list[tuple[date, int]]:
    """The total after each date on which values were recorded, in date order."""
    totals: dict[date, int] = {}
    for value in sorted(values, key=lambda v: v.recorded_on):
        totals[value.recorded_on] = totals.get(value.recorded_on, 0) + value.value
    running, out = 0, []
    for on, added in totals.items():
        running += added
        out.append((on, running))
    return out


def build_trend(values: Iterable[Recorded], target: int | None) -> Trend:
    totals = running_totals(values)
    top_value = max([total for _, total in totals] + [target or 0, 1])
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT

    def y_of(number: int) -> float:
        return HEIGHT - BOTTOM - plot_height * number / top_value

    first, last = (totals[0][0], totals[-1][0]) if totals else (None, None)
    span = (last - first).days if first and last else 0
    points = [
        Point(
            on,
            total,
            LEFT + (plot_width * (on - first).days / span if span else plot_width / 2),
            y_of(total),
        )
        for on, total in totals
        if first is not None
    ]
    return Trend(points, top_value, target, y_of(target) if target is not None else None)
