"""Quarters as the board report names them."""

from __future__ import annotations

from datetime import date

import pytest

from brokerage.board.quarters import InvalidQuarter, Quarter, parse_quarter, quarter_of


@pytest.mark.parametrize("text", ["2024Q1", "2024q1", "2024-Q1", " 2024 Q1 "])
def test_a_quarter_is_read_however_it_is_written(text):
    quarter = parse_quarter(text)
    assert quarter == Quarter(2024, 1)
    assert (quarter.starts_on, quarter.ends_on) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter.label == "2024Q1"
    assert quarter.title == "January to March 2024"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024Q5", "a year has four quarters"),
        ("2024Q0", "a year has four quarters"),
        ("garbage", "is not a quarter"),
        ("", "is not a quarter"),
        ("Q1 2024", "is not a quarter"),
        ("1999Q1", "from 2000 to 2100"),
    ],
)
def test_a_text_naming_no_quarter_says_what_would(text, message):
    with pytest.raises(InvalidQuarter, match=message):
        parse_quarter(text)


def test_the_quarter_before_the_first_is_the_last_of_the_year_before():
    assert Quarter(2024, 1).previous() == Quarter(2023, 4)
    assert Quarter(2024, 3).previous() == Quarter(2024, 2)
    assert Quarter(2023, 4).ends_on == date(2023, 12, 31)
    assert quarter_of(date(2024, 2, 29)) == Quarter(2024, 1)
    assert quarter_of(date(2024, 10, 1)) == Quarter(2024, 4)
