"""A term's dates, as pure date arithmetic."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerage.charter.choices import CheckInKind
from brokerage.charter.schedule import (
    add_months,
    due_dates,
    financial_year,
    financial_year_bounds,
    month_bounds,
    term_end,
)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 15), 3, date(2024, 4, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 12, 1), 1, date(2025, 1, 1)),
    ],
)
def test_adding_months_keeps_the_day_or_falls_back_to_the_months_last_day(day, months, expected):
    assert add_months(day, months) == expected


def test_a_term_has_a_baseline_in_its_first_month_then_check_ins_at_3_6_and_12_months():
    assert due_dates(date(2024, 1, 15)) == {
        CheckInKind.BASELINE: date(2024, 2, 15),
        CheckInKind.MONTH_3: date(2024, 4, 15),
        CheckInKind.MONTH_6: date(2024, 7, 15),
        CheckInKind.MONTH_12: date(2025, 1, 15),
    }
    assert term_end(date(2024, 1, 15)) == date(2025, 1, 15)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_the_meetings_come_in_order_and_the_last_is_on_the_anniversary(starts_on):
    dates = due_dates(starts_on)
    in_order = [dates[kind] for kind in CheckInKind]
    assert starts_on < in_order[0] < in_order[1] < in_order[2] < in_order[3]
    assert in_order[-1] == term_end(starts_on)
    assert 365 <= (term_end(starts_on) - starts_on).days <= 366


def test_month_and_financial_year_bounds():
    assert month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert financial_year(date(2024, 3, 31)) == 2023
    assert financial_year(date(2024, 4, 1)) == 2024
    assert financial_year_bounds(2023) == (date(2023, 4, 1), date(2024, 3, 31))
