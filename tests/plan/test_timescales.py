"""The timescale parser reads the plan's "Time scales" cells as written."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerage.plan.timescales import TimescaleError, TimescaleKind, parse_timescale


@pytest.mark.parametrize(
    ("text", "starts_on", "ends_on"),
    [
        ("May 2023", date(2023, 5, 1), date(2023, 5, 31)),
        ("February 2024", date(2024, 2, 1), date(2024, 2, 29)),
        ("April 2023-October 2024", date(2023, 4, 1), date(2024, 10, 31)),
        ("April 2023- March 2024", date(2023, 4, 1), date(2024, 3, 31)),
        ("September 2023-March 2024", date(2023, 9, 1), date(2024, 3, 31)),
        ("July-September 2023", date(2023, 7, 1), date(2023, 9, 30)),
        ("September-October 2023", date(2023, 9, 1), date(2023, 10, 31)),
        ("November-February 2024", date(2023, 11, 1), date(2024, 2, 29)),
        ("Sept 2023 – Jan 2024", date(2023, 9, 1), date(2024, 1, 31)),
    ],
)
def test_months_and_ranges_run_from_the_first_to_the_last_day_of_their_months(
    text, starts_on, ends_on
):
    timescale = parse_timescale(text)
    assert (timescale.kind, timescale.starts_on, timescale.ends_on) == (
        TimescaleKind.MONTHS,
        starts_on,
        ends_on,
    )


def test_the_text_is_kept_as_written():
    assert parse_timescale("April 2023- March 2024").text == "April 2023- March 2024"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("On-going", TimescaleKind.ONGOING),
        ("ongoing", TimescaleKind.ONGOING),
        ("TBC", TimescaleKind.TBC),
        ("", TimescaleKind.NONE),
        ("   ", TimescaleKind.NONE),
    ],
)
def test_ongoing_tbc_and_blank_timescales_have_no_dates(text, kind):
    timescale = parse_timescale(text)
    assert (timescale.kind, timescale.starts_on, timescale.ends_on) == (kind, None, None)


@pytest.mark.parametrize("text", ["Smarch 2023", "2023", "May", "May 23", "Q3 2023", "soon"])
def test_text_that_names_no_month_is_refused_with_what_would_do(text):
    with pytest.raises(TimescaleError) as refused:
        parse_timescale(text)
    assert str(refused.value) == (
        f"timescale '{text}' is not a month, a range of months, On-going or TBC"
    )


def test_a_range_that_ends_before_it_starts_is_refused():
    with pytest.raises(TimescaleError, match="ends before it starts"):
        parse_timescale("October 2024-April 2023")


@given(st.integers(1, 12), st.integers(2000, 2090), st.integers(1, 12), st.integers(0, 3))
def test_every_range_of_months_starts_on_a_first_and_ends_on_a_last_day(
    first, year, last, years_later
):
    months = [None, "January", "February", "March", "April", "May", "June", "July",
              "August", "September", "October", "November", "December"]  # fmt: skip
    if years_later == 0 and last < first:
        return
    timescale = parse_timescale(f"{months[first]} {year}-{months[last]} {year + years_later}")
    assert timescale.starts_on == date(year, first, 1)
    assert timescale.ends_on.month == last and timescale.ends_on.year == year + years_later
    assert (timescale.ends_on.toordinal() + 1) == (
        date(year + years_later + last // 12, last % 12 + 1, 1).toordinal()
    )
