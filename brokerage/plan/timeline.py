"""Lay out the plan's actions as bars on a months axis, April to March of the plan year.

Pure: no Flask, no database queries; the template draws the SVG from these numbers, so
the page needs no script and no inline style.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .progress import is_overdue

LABEL_WIDTH = 340
MONTH_WIDTH = 62
TOP = 34  # room for the month names
ROW_HEIGHT = 22
GROUP_HEIGHT = 28
BAR_HEIGHT = 12
LABEL_CHARACTERS = 46
AXIS_WIDTH = 12 * MONTH_WIDTH
WIDTH = LABEL_WIDTH + AXIS_WIDTH + 16


@dataclass(frozen=True)
class Month:
    label: str
    x: float


@dataclass(frozen=True)
class Row:
    """One action: its label and, where it has dates, its bar clipped to the axis."""

    action: Any
    y: float
    label: str
    kind: str  # "bar", "before" (ends before the axis), "after", "ongoing" or "undated"
    x: float = 0.0
    width: float = 0.0
    overdue: bool = False
    starts_before: bool = False
    ends_after: bool = False

    @property
    def status(self) -> str:
        return self.action.status


@dataclass(frozen=True)
class Heading:
    name: str
    y: float


@dataclass(frozen=True)
class Timeline:
    starts_on: date
    ends_on: date
    months: list[Month]
    headings: list[Heading]
    rows: list[Row]
    today: date
    today_x: float | None
    height: float
    width: float = WIDTH
    label_width: float = LABEL_WIDTH
    axis_width: float = AXIS_WIDTH
    top: float = TOP
    bar_height: float = BAR_HEIGHT

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.rows)


def plan_year_start(year: str, fallback: date) -> int:
    """The calendar year the plan year starts in: 2023 for "2023/24"."""
    match = re.match(r"\s*((?:19|20)\d\d)", year)
    if match:
        return int(match[1])
    return fallback.year if fallback.month >= 4 else fallback.year - 1


def x_of(on: date, first_year: int, end_of_day: bool = False) -> float:
    """Where a day falls on the axis, from 0 (1 April) to AXIS_WIDTH (end of 31 March)."""
    months = (on.year - first_year) * 12 + on.month - 4
    days = calendar.monthrange(on.year, on.month)[1]
    fraction = (on.day if end_of_day else on.day - 1) / days
    return max(0.0, min(AXIS_WIDTH, (months + fraction) * MONTH_WIDTH))


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def _row(action: Any, y: float, first_year: int, today: date, axis: tuple[date, date]) -> Row:
    label = _label(action.description or action.objective.title)
    overdue = is_overdue(action.ends_on, action.status, today)
    if action.starts_on is None or action.ends_on is None:
        ongoing = action.timescale.strip().lower() in {"on-going", "ongoing"}
        return Row(action, y, label, "ongoing" if ongoing else "undated")
    if action.ends_on < axis[0]:
        return Row(action, y, label, "before", overdue=overdue)
    if action.starts_on > axis[1]:
        return Row(action, y, label, "after", overdue=overdue)
    x = x_of(action.starts_on, first_year)
    end = x_of(action.ends_on, first_year, end_of_day=True)
    return Row(
        action,
        y,
        label,
        "bar",
        x=x,
        width=max(end - x, 2.0),
        overdue=overdue,
        starts_before=action.starts_on < axis[0],
        ends_after=action.ends_on > axis[1],
    )


def build_timeline(plan: Any, actions: Iterable[Any], today: date) -> Timeline:
    """Rows for `actions` (in document order), grouped under their working groups."""
    first_year = plan_year_start(plan.year, today)
    axis = (date(first_year, 4, 1), date(first_year + 1, 3, 31))
    months = [
        Month(calendar.month_abbr[(3 + i) % 12 + 1], LABEL_WIDTH + i * MONTH_WIDTH)
        for i in range(12)
    ]
    headings, rows, y, group = [], [], float(TOP), None
    for action in actions:
        if action.objective.working_group is not group:
            group = action.objective.working_group
            headings.append(Heading(group.name, y + GROUP_HEIGHT - 8))
            y += GROUP_HEIGHT
        rows.append(_row(action, y, first_year, today, axis))
        y += ROW_HEIGHT
    inside = axis[0] <= today <= axis[1]
    return Timeline(
        starts_on=axis[0],
        ends_on=axis[1],
        months=months,
        headings=headings,
        rows=rows,
        today=today,
        today_x=LABEL_WIDTH + x_of(today, first_year) if inside else None,
        height=y + 8,
    )
