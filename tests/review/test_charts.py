"""The shared bar-chart layout and tallies (brokerage/charts.py): pure, so checked directly."""

from __future__ import annotations

from decimal import Decimal

from brokerage.charts import PLOT_WIDTH, bar_chart, tallies
from brokerage.formatting import format_quantity


def test_bars_scale_to_the_largest_number_or_to_a_given_whole():
    chart = bar_chart("c", "Title", [("a", 2, "2"), ("b", 4, "4")])
    assert [bar.width for bar in chart.bars] == [PLOT_WIDTH / 2, PLOT_WIDTH]
    shares = bar_chart("s", "Shares", [("a", 0.25, "25%")], largest=1)
    assert shares.bars[0].width == PLOT_WIDTH / 4
    assert shares.description == "a: 25%."


def test_an_empty_chart_still_has_a_height_and_says_so():
    chart = bar_chart("c", "Title", [])
    assert chart.height > 0 and chart.description == "Nothing to show yet."


def test_tallies_never_add_different_units_and_keep_pounds_apart_from_units():
    found = tallies(
        [
            ("Social", 1, "hours", Decimal(10), None),
            ("Social", 2, "people", Decimal(3), 4500),
            ("Jobs", 3, "hours", Decimal("2.5"), None),
        ]
    )
    social, jobs = found
    assert (social.label, len(social.outcomes), social.units_text) == (
        "Social",
        2,
        "10 hours, 3 people",
    )
    assert (social.pence, social.pounds_text) == (4500, "£45")
    assert (jobs.pence, jobs.pounds_text, jobs.units_text) == (None, "no £ value", "2.5 hours")
    assert (social.text, jobs.text) == ("2 outcomes; £45", "1 outcome")


def test_quantities_are_shown_without_trailing_zeros():
    assert [format_quantity(Decimal(q)) for q in ("12.00", "12.50", "1200", "0.25")] == [
        "12", "12.5", "1,200", "0.25",
    ]  # fmt: skip
