"""The timeline: actions as bars on an April-to-March axis, today marked, overdue shown."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import pytest

from brokerage.plan import service
from brokerage.plan.timeline import AXIS_WIDTH, LABEL_WIDTH, MONTH_WIDTH, build_timeline, x_of
from tests.helpers.pages import page_text


@dataclass
class FakeGroup:
    name: str = "Inclusive Employment"


@dataclass
class FakeObjective:
    title: str = "Objective"
    working_group: FakeGroup = field(default_factory=FakeGroup)


GROUP = FakeGroup()


@dataclass
class FakeAction:
    timescale: str
    starts_on: date | None = None
    ends_on: date | None = None
    status: str = "not_started"
    description: str = "An action"
    objective: FakeObjective = field(default_factory=lambda: FakeObjective(working_group=GROUP))


@dataclass
class FakePlan:
    year: str = "2023/24"


def _rows(*actions, today=date(2023, 10, 15)):
    return build_timeline(FakePlan(), actions, today)


def test_the_axis_runs_from_the_first_of_april_to_the_end_of_march():
    assert x_of(date(2023, 4, 1), 2023) == 0
    assert x_of(date(2023, 5, 1), 2023) == MONTH_WIDTH
    assert x_of(date(2024, 3, 31), 2023, end_of_day=True) == AXIS_WIDTH
    assert x_of(date(2022, 1, 1), 2023) == 0  # clipped
    assert x_of(date(2025, 1, 1), 2023) == AXIS_WIDTH


def test_a_month_long_action_is_one_month_wide_where_its_month_is():
    (row,) = _rows(FakeAction("September 2023", date(2023, 9, 1), date(2023, 9, 30))).rows
    assert (row.kind, row.x, row.width) == ("bar", 5 * MONTH_WIDTH, MONTH_WIDTH)
    assert row.overdue


def test_actions_running_past_the_year_are_clipped_and_flagged():
    (row,) = _rows(FakeAction("April 2023-October 2024", date(2023, 4, 1), date(2024, 10, 31))).rows
    assert (row.x, row.width, row.starts_before, row.ends_after) == (0, AXIS_WIDTH, False, True)


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        (FakeAction("January 2023", date(2023, 1, 1), date(2023, 1, 31)), "before"),
        (FakeAction("June 2024", date(2024, 6, 1), date(2024, 6, 30)), "after"),
        (FakeAction("On-going"), "ongoing"),
        (FakeAction("TBC"), "undated"),
        (FakeAction(""), "undated"),
    ],
)
def test_actions_outside_the_year_or_without_dates_still_get_a_row(action, kind):
    assert _rows(action).rows[0].kind == kind


def test_today_is_marked_only_inside_the_plan_year():
    inside = _rows(today=date(2023, 4, 16))
    assert inside.today_x == LABEL_WIDTH + MONTH_WIDTH / 2
    assert _rows(today=date(2026, 11, 25)).today_x is None


def test_the_page_draws_every_action_and_marks_today(staff, loaded_plan, monkeypatch):
    monkeypatch.setattr(service, "today", lambda: date(2023, 10, 15))
    response = staff.get("/plan/timeline")
    html = response.get_data(as_text=True)
    text = page_text(response)

    assert response.status_code == 200
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html
    assert "The dotted line marks today, 15 October 2023." in text
    assert ">Today</text>" in html
    # Ended by 15 October 2023 and not done: 29 actions, 3 of them before April 2023
    # (January 2023 and two March 2023), which are listed at the axis start, not drawn.
    assert "29 of 56 actions are overdue." in text
    assert html.count('fill="url(#overdue-hatch)"') == 26
    # The text alternative: a table row per action, linked.
    table = html[html.index('id="timeline-table"') :]
    assert len(re.findall(r'<a href="/plan/actions/\d+">', table)) == 56


def test_after_the_plan_year_today_is_not_drawn_and_the_page_says_so(staff, loaded_plan):
    text = page_text(staff.get("/plan/timeline"))
    assert "is after this plan year, so it is not marked." in text
    assert "Today</text>" not in staff.get("/plan/timeline").get_data(as_text=True)


def test_the_timeline_has_no_inline_style_or_script(staff, loaded_plan):
    html = staff.get("/plan/timeline").get_data(as_text=True)
    assert " style=" not in html and "<style" not in html
    assert "<script>" not in html
    assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.parametrize("role", ["buyer", "supplier"])
def test_people_who_lead_nothing_cannot_see_the_timeline(request, role, loaded_plan):
    assert request.getfixturevalue(role).get("/plan/timeline").status_code == 403
