"""The board report page: what changed in the quarter (and only then), the KPIs as the plan
counts them, the brokerage's and the charter's figures for the quarter, and bad quarters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from brokerage.board.quarters import Quarter, quarter_of
from brokerage.board.report import build_board_report
from brokerage.charter.models import Signee
from brokerage.extensions import db
from brokerage.plan import kpis, service
from tests.helpers.board import ARCH_VOLUNTEERS, DECEMBER_NOTE, FEBRUARY_NOTE
from tests.helpers.pages import page_text


def test_the_quarters_changes_appear_and_the_quarter_befores_do_not(staff, recorded):
    text = page_text(staff.get("/plan/report?quarter=2024Q1"))
    assert "January to March 2024" in text
    assert FEBRUARY_NOTE in text
    assert "10 February 2024 Done 2. Identify area in Oxfordshire to replicate Parent Power" in (
        text
    )
    assert DECEMBER_NOTE not in text

    before = page_text(staff.get("/plan/report?quarter=2023Q4"))
    assert DECEMBER_NOTE in before
    assert FEBRUARY_NOTE not in before


def test_each_group_is_rated_as_it_stood_when_the_quarter_began_and_ended(app, recorded):
    with app.app_context():
        report = build_board_report(Quarter(2024, 1), date(2026, 12, 5))
    education = next(g for g in report.groups if g.name == "Educational Attainment")
    # Parent Power's area was found in February; nothing was done when the quarter began.
    assert (education.at_start.done, education.at_end.done) == (0, 1)
    assert [c.update.note for c in education.changes] == [FEBRUARY_NOTE]
    assert education.at_end.total == 10


def test_the_kpis_stand_where_the_plan_counts_them(app, staff, recorded):
    with app.app_context():
        report = build_board_report(Quarter(2024, 1), date(2026, 12, 5))
        plan_totals = {kpi.id: kpi.total for kpi in kpis.plan_kpis(service.current_plan())}
        arch = next(line for line in report.kpis if line.kpi.id == recorded.kpi_id)
        # The May value came after the quarter: the plan's total has it, the report not.
        assert (arch.before, arch.added, arch.total, arch.target) == (4, 6, 10, 20)
        assert plan_totals[recorded.kpi_id] == 15
        later = build_board_report(Quarter(2024, 2), date(2026, 12, 5))
        assert {line.kpi.id: line.total for line in later.kpis} == plan_totals

    row = staff.get("/plan/report?quarter=2024Q1").get_data(as_text=True)
    row = row.split(f'id="kpi-{recorded.kpi_id}"')[1].split("</tr>")[0]
    assert ARCH_VOLUNTEERS in row
    cells = re.findall(r'<td class="text-end">([^<]+)</td>', row)
    assert cells == ["4", "+6", "10", "20", "50%"]


def test_the_brokerage_figures_are_the_quarters(staff, review_world):
    this_quarter = quarter_of(date.today())
    html = staff.get(f"/plan/report?quarter={this_quarter.label}").get_data(as_text=True)
    funnel = html.split('id="board-funnel"')[1].split("</table>")[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', funnel) == ["5", "3", "2", "2", "2", "1"]
    # The steps in words, capitalised as every list shows a state, in the chart and its table.
    steps = ["Suggested", "Interest expressed", "In discussion", "Agreed", "Delivered", "Verified"]
    assert re.findall(r'<th scope="row" class="fw-normal">([^<]+)</th>', funnel) == steps
    chart = html.split(">From suggestion to verified</h3>")[1].split('id="board-funnel"')[0]
    assert re.findall(r'<text class="chart-label"[^>]*>([^<]+)</text>', chart) == steps
    assert "10 hours" in page_text_of(html, "Verified social value by TOMs theme")

    before = staff.get(f"/plan/report?quarter={this_quarter.previous().label}")
    funnel = before.get_data(as_text=True).split('id="board-funnel"')[1].split("</table>")[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', funnel) == ["0"] * 6


def page_text_of(html: str, heading: str) -> str:
    """The page's words from `heading` to the next heading of a part."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.split(heading, 1)[1].split("<h3", 1)[0]).split())


def test_the_charter_counts_signees_with_a_term_in_the_quarter(app, staff, make_signee):
    signee_id = make_signee(("OCC-1", "OCC-5"), signed_on=date(2024, 1, 15))
    make_signee(
        ("OCC-1",),
        signed_on=date(2024, 1, 20),
        approve=False,
        organisation_name="Waiting Ltd",
        contact_email="wait@waiting.example.org",
        postcode="OX1 1BX",
    )
    with app.app_context():
        db.session.get(Signee, signee_id).approved_at = datetime(2024, 2, 1, tzinfo=UTC)
        db.session.commit()
        report = build_board_report(Quarter(2024, 1), date(2026, 12, 5))
    assert (report.charter.impact.signees, report.charter.new_signees) == (1, 1)
    assert report.charter.impact.made == 2
    baseline = report.charter.check_ins[0]
    assert (baseline.due, baseline.held, baseline.not_held) == (1, 0, 1)
    text = page_text(staff.get("/plan/report?quarter=2024Q1"))
    assert "Signees with a term in the quarter 1 Approved in the quarter 1" in text
    assert "Baseline meeting 1 0 1" in text


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("2024Q5", "a year has four quarters"),
        ("garbage", "is not a quarter"),
        ("2099Q1", "has not begun yet"),
    ],
)
@pytest.mark.parametrize("suffix", ["", ".pdf", ".xlsx"])
def test_a_bad_quarter_is_a_400_that_says_why(staff, quarter, message, suffix):
    response = staff.get(f"/plan/report{suffix}?quarter={quarter}")
    assert response.status_code == 400
    assert message in page_text(response)
    if not suffix:
        assert 'id="board-groups"' not in response.get_data(as_text=True)


def test_without_a_quarter_the_last_whole_one_is_shown(staff):
    last = quarter_of(date.today()).previous()
    response = staff.get("/plan/report")
    assert response.status_code == 200
    assert f"Board report · {last.label}" in page_text(response)
