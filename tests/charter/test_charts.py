"""The report's charts: bars scaled to the largest, numbers beside them, and the whole
chart in words for people who cannot see it."""

from __future__ import annotations

from datetime import date

import pytest

from brokerage.charter.charts import report_charts
from brokerage.charter.choices import CheckInKind, PledgeProgress, Sector
from brokerage.charter.report import PledgeRow, RecordRow, SigneeRow, build_report
from brokerage.listings.choices import Size


def _report(chosen, implemented):
    pledges = [PledgeRow(1, "OCC-1", "Buy local"), PledgeRow(5, "OCC-5", "Volunteering")]
    signees = [SigneeRow(i, Sector.PRIVATE, Size.SMALL, "Oxford") for i in range(1, 5)]
    records = [
        RecordRow(
            s,
            f"Org {s}",
            p,
            CheckInKind.MONTH_3,
            date(2024, 7, 1),
            PledgeProgress.IMPLEMENTED,
            None,
            None,
            "",
        )
        for s, p in implemented
    ]
    return build_report(2024, pledges, signees, chosen, records)


def test_bars_are_scaled_to_the_largest_and_carry_their_numbers():
    report = _report(
        chosen=[(1, 5), (2, 5), (3, 5), (4, 5), (1, 1), (2, 1)],
        implemented=[(1, 5), (1, 1), (2, 1)],
    )

    chart = report_charts(report)["Pledges"]
    buy, volunteering = chart.bars

    assert volunteering.whole_width == pytest.approx(320)
    assert volunteering.width == pytest.approx(80)
    assert buy.whole_width == pytest.approx(160) and buy.width == pytest.approx(160)
    assert volunteering.text == "4 made, 1 implemented (25%)"
    assert volunteering.text_x == pytest.approx(328)
    assert chart.description == (
        "OCC-1 Buy local: 2 made, 2 implemented (100%); "
        "OCC-5 Volunteering: 4 made, 1 implemented (25%)."
    )
    assert chart.height == 2 * 42


def test_breakdown_charts_list_every_group_even_empty_ones_without_dividing_by_zero():
    charts = report_charts(_report(chosen=[(1, 5)], implemented=[]))

    assert list(charts) == ["Pledges", "Sector", "Size", "District"]
    district = charts["District"]
    assert [bar.label for bar in district.bars][:2] == ["Cherwell", "Oxford"]
    oxford = district.bars[1]
    assert oxford.text == "4 signees; 1 made, 0 implemented (0%)"
    assert oxford.whole_width == pytest.approx(200)
    assert district.bars[0].text == "0 signees; 0 made, 0 implemented"
    assert district.bars[0].whole_width == 0


def test_a_year_with_nothing_draws_empty_bars():
    chart = report_charts(build_report(2024, [PledgeRow(1, "OCC-1", "Buy local")], [], [], []))[
        "Pledges"
    ]

    assert [(bar.width, bar.whole_width, bar.text) for bar in chart.bars] == [
        (0, 0, "0 made, 0 implemented")
    ]
