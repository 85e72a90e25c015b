"""KPI pages: targets, recorded values, the trend chart, and the forms to record them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.charts import HEIGHT, build_trend, running_totals
from brokerage.plan.models import Kpi, KpiValue
from tests.helpers.pages import page_text
from tests.helpers.web import csrf_token

SEMINARS = "Number of HR network seminars held"


@dataclass
class V:
    recorded_on: date
    value: int


@pytest.fixture
def kpi(loaded_plan, in_app, monkeypatch) -> int:
    monkeypatch.setattr(service, "today", lambda: date(2024, 3, 31))
    return in_app(lambda: db.session.scalar(select(Kpi.id).where(Kpi.name == SEMINARS)))


def _record(client, kpi: int, **data):
    page = f"/plan/kpis/{kpi}"
    return client.post(f"{page}/values", data={"csrf_token": csrf_token(client, page), **data})


def _values(in_app) -> list[tuple]:
    return in_app(
        lambda: [
            (v.recorded_on, v.value, v.note, v.recorded_by.email if v.recorded_by else None)
            for v in db.session.scalars(select(KpiValue).order_by(KpiValue.recorded_on))
        ]
    )


# The trend, worked out without a database ------------------------------------------


def test_running_totals_add_values_in_date_order_and_merge_a_day():
    values = [V(date(2023, 9, 1), 2), V(date(2023, 7, 1), 1), V(date(2023, 9, 1), 3)]
    assert running_totals(values) == [(date(2023, 7, 1), 1), (date(2023, 9, 1), 6)]


def test_the_chart_spans_its_dates_and_scales_to_the_target():
    trend = build_trend([V(date(2023, 7, 1), 1), V(date(2024, 3, 1), 3)], target=8)
    first, last = trend.points
    assert first.x < last.x
    assert (trend.top_value, trend.total) == (8, 4)
    assert trend.target_y == trend.plot_top  # the target is the top of the scale
    assert last.y == pytest.approx(trend.baseline - (trend.baseline - trend.plot_top) / 2)


def test_a_chart_without_values_has_no_points():
    trend = build_trend([], None)
    assert (trend.points, trend.total, trend.target_y) == ([], 0, None)


@given(st.lists(st.builds(V, st.dates(date(2023, 1, 1), date(2025, 1, 1)), st.integers(0, 500))))
def test_every_point_lies_inside_the_chart(values):
    trend = build_trend(values, None)
    assert trend.total == sum(v.value for v in values)
    for point in trend.points:
        assert trend.left <= point.x <= trend.width - trend.right
        assert trend.plot_top <= point.y <= trend.baseline <= HEIGHT


# Pages ----------------------------------------------------------------------------


def test_the_kpi_list_shows_every_kpi_with_total_and_target(staff, kpi):
    text = page_text(staff.get("/plan/kpis"))
    assert text.count("Not set") == 14
    assert f"{SEMINARS} 0 Not set Nothing yet" in text


def test_staff_record_a_value_and_the_kpi_adds_it_up(staff, kpi, in_app):
    response = _record(staff, kpi, recorded_on="2023-07-12", value="1", note="Prison leavers.")
    assert response.status_code == 302
    _record(staff, kpi, recorded_on="2023-11-02", value="2", note="")

    response = staff.get(f"/plan/kpis/{kpi}")
    text = page_text(response)
    assert "Value recorded. Number of HR network seminars held now stands at 3." in text
    assert "3 seminars so far; target not set." in text
    assert "12 July 2023 1 1 Prison leavers." in text
    assert "2 November 2023 2 3" in text
    # The chart labels each point with its running total.
    html = response.get_data(as_text=True)
    assert re.findall(r'font-weight="bold" fill="#212529">(\d+)</text>', html) == ["1", "3"]
    assert _values(in_app)[0] == (date(2023, 7, 12), 1, "Prison leavers.", staff.user_email)


def test_staff_set_and_clear_a_target(staff, kpi, in_app):
    page = f"/plan/kpis/{kpi}"
    staff.post(f"{page}/target", data={"csrf_token": csrf_token(staff, page), "target": "6"})
    assert "target 6." in page_text(staff.get(page))
    assert 'stroke-dasharray="6 4"' in staff.get(page).get_data(as_text=True)

    staff.post(f"{page}/target", data={"csrf_token": csrf_token(staff, page), "target": ""})
    assert in_app(lambda: db.session.get(Kpi, kpi).target) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"recorded_on": "", "value": "1"}, "recorded_on", "Enter the date the count is for."),
        ({"recorded_on": "2024-02-30", "value": "1"}, "recorded_on", "Not a valid date value."),
        ({"recorded_on": "2024-04-01", "value": "1"}, "recorded_on", "cannot be in the future"),
        ({"recorded_on": "2024-01-31", "value": ""}, "value", "Enter a whole number."),
        ({"recorded_on": "2024-01-31", "value": "2.5"}, "value", "Not a valid integer value."),
        ({"recorded_on": "2024-01-31", "value": "-1"}, "value", "from 0 to 10,000,000"),
        ({"recorded_on": "2024-01-31", "value": "99999999999"}, "value", "from 0 to 10,000,000"),
        ({"recorded_on": "2024-01-31", "value": "1", "note": "a\x00b"}, "note", "control"),
    ],
)
def test_a_bad_value_re_renders_with_field_errors_and_saves_nothing(
    staff, kpi, in_app, data, field, message
):
    response = _record(staff, kpi, **data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in page_text(response)
    if data["value"]:
        assert f'value="{data["value"]}"' in html  # what they typed is kept
    assert _values(in_app) == []


def test_a_bad_target_is_a_field_error(staff, kpi, in_app):
    page = f"/plan/kpis/{kpi}"
    response = staff.post(
        f"{page}/target", data={"csrf_token": csrf_token(staff, page), "target": "lots"}
    )
    assert response.status_code == 400
    assert 'id="target-error"' in response.get_data(as_text=True)
    assert in_app(lambda: db.session.get(Kpi, kpi).target) is None


# Access ---------------------------------------------------------------------------


def test_a_linked_lead_sees_kpis_but_cannot_record_or_set_targets(lead_for, kpi, in_app):
    emma = lead_for("Emma Coles")
    page = f"/plan/kpis/{kpi}"
    assert emma.get("/plan/kpis").status_code == 200
    assert "Record a value" not in page_text(emma.get(page))

    assert _record(emma, kpi, recorded_on="2023-07-12", value="1").status_code == 403
    response = emma.post(f"{page}/target", data={"csrf_token": csrf_token(emma, page), "target": 1})
    assert response.status_code == 403
    assert in_app(lambda: db.session.scalar(select(func.count(KpiValue.id)))) == 0


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
def test_people_who_lead_nothing_cannot_see_or_record_kpis(request, role, kpi, in_app):
    client = request.getfixturevalue(role)
    expected = 302 if role == "anon" else 403
    assert client.get(f"/plan/kpis/{kpi}").status_code == expected
    response = client.post(
        f"/plan/kpis/{kpi}/values",
        data={"csrf_token": csrf_token(client, "/login"), "recorded_on": "2023-07-12", "value": 1},
    )
    assert response.status_code == expected
    assert _values(in_app) == []


def test_an_unknown_kpi_is_not_found(staff, kpi):
    assert staff.get("/plan/kpis/999999").status_code == 404
