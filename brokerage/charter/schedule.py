"""A term's dates: 12 months from its start, a baseline meeting in the first month, then
check-ins at 3, 6 and 12 months. Pure date arithmetic, tested without a database."""

from __future__ import annotations

import calendar
from datetime import date

from .choices import CheckInKind

TERM_MONTHS = 12
# Months after the term starts by which each meeting is due.
DUE_AFTER_MONTHS = {
    CheckInKind.BASELINE: 1,
    CheckInKind.MONTH_3: 3,
    CheckInKind.MONTH_6: 6,
    CheckInKind.MONTH_12: 12,
}
# A term may be renewed from this many days before it ends.
RENEWAL_OPENS_DAYS = 60


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it is shorter
    (31 August + 6 months is 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def term_end(starts_on: date) -> date:
    """The anniversary: the day the term ends and a renewed term starts."""
    return add_months(starts_on, TERM_MONTHS)


def due_dates(starts_on: date) -> dict[CheckInKind, date]:
    """When each meeting of a term starting on `starts_on` is due."""
    return {kind: add_months(starts_on, months) for kind, months in DUE_AFTER_MONTHS.items()}


def month_bounds(day: date) -> tuple[date, date]:
    """The first and last day of `day`'s month."""
    return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])


def financial_year(day: date) -> int:
    """The April-to-March year `day` falls in, named by the year it starts (2023 = 2023/24)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)
