"""Events: the ones the plan names, staff adding and changing them, and a held event's
attendance counting towards its KPIs."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.event_models import Event
from brokerage.plan.models import Kpi, KpiValue
from tests.helpers.pages import page_text
from tests.helpers.plan import action_id
from tests.helpers.web import csrf_token

HR_EVENT = "First OIEP HR network event on employment pathways for prison leavers"


@pytest.fixture
def ids(loaded_plan, in_app, monkeypatch) -> dict[str, int]:
    monkeypatch.setattr(service, "today", lambda: date(2023, 10, 1))

    def find() -> dict[str, int]:
        def kpi(name: str) -> int:
            return db.session.scalar(select(Kpi.id).where(Kpi.name == name))

        def event(title: str) -> int:
            return db.session.scalar(select(Event.id).where(Event.title == title))

        return {
            "hr": event(HR_EVENT),
            "webinar": event("Risk assessment tool webinar"),
            "attendees": kpi("Number of total attendees"),
            "seminars": kpi("Number of HR network seminars held"),
            "action": action_id(
                "Set up a series of HR network seminars across the county "
                "focussed on inclusive recruitment topics"
            ),
        }

    return in_app(find)


def _form(event_id: int | None = None, **changes) -> dict[str, str]:
    data = {"title": "HR network seminar: age-inclusive recruitment", "kind": "seminar"}
    if event_id is None:
        return data | changes
    return changes


def _save(client, ids: dict[str, int], event: str | None = None, **data):
    page = f"/plan/events/{ids[event]}/edit" if event else "/plan/events/new"
    if event:
        current = client.get(page).get_data(as_text=True)
        assert "Save event" in current
    return client.post(page, data={"csrf_token": csrf_token(client, "/login"), **data})


def _hr_event(ids, **changes) -> dict[str, str]:
    """The first HR network event's form as it stands, with `changes`."""
    return {
        "title": HR_EVENT,
        "kind": "seminar",
        "timing": "July 2023",
        "action": str(ids["action"]),
        "attendance_kpi": str(ids["attendees"]),
        "held_kpi": str(ids["seminars"]),
        **changes,
    }


def _kpi_values(in_app) -> list[tuple]:
    return in_app(
        lambda: [
            (v.kpi.name, v.value, v.recorded_on, v.note)
            for v in db.session.scalars(select(KpiValue).order_by(KpiValue.kpi_id))
        ]
    )


def test_the_events_page_lists_the_plans_events_with_their_timing(staff, ids):
    text = page_text(staff.get("/plan/events"))
    assert "Risk assessment tool webinar Webinar September 2023" in text
    assert (
        "Prison open day for employers at Bullingdon Prison Open day September 2023 "
        "Bullingdon Prison" in text
    )
    assert "Meet the Buyer Meet the Buyer February" in text
    assert "Get Social Procurement Ready! An OxLEP/OSEP event. Other event Date to be set" in text
    assert "Add an event" in text


def test_staff_add_an_event(staff, ids, in_app):
    response = _save(
        staff,
        ids,
        **_form(happens_on="2023-11-08", place="Oxford Town Hall", action=str(ids["action"])),
    )

    assert response.status_code == 302
    text = page_text(staff.get("/plan/events"))
    assert "HR network seminar: age-inclusive recruitment is saved." in text
    assert "8 November 2023 Oxford Town Hall" in text
    assert in_app(lambda: db.session.scalar(select(func.count(Event.id)))) == 6


def test_recording_attendance_of_a_held_event_adds_to_its_kpis(staff, ids, in_app):
    response = _save(
        staff, ids, "hr", **_hr_event(ids, held="y", happens_on="2023-07-12", attendance="25")
    )
    assert response.status_code == 302

    assert _kpi_values(in_app) == [
        ("Number of HR network seminars held", 1, date(2023, 7, 12), f"{HR_EVENT}: held"),
        ("Number of total attendees", 25, date(2023, 7, 12), f"{HR_EVENT}: 25 attended"),
    ]
    assert "25 attendees so far" in page_text(staff.get(f"/plan/kpis/{ids['attendees']}"))

    # Correcting the attendance corrects the KPI; it does not count the event twice.
    _save(staff, ids, "hr", **_hr_event(ids, held="y", happens_on="2023-07-12", attendance="31"))
    assert [value[1] for value in _kpi_values(in_app)] == [1, 31]

    # Not held after all: the event no longer counts.
    _save(staff, ids, "hr", **_hr_event(ids, happens_on="2023-07-12"))
    assert _kpi_values(in_app) == []


def test_a_held_event_without_kpis_counts_towards_none(staff, ids, in_app):
    data = {
        "title": "Risk assessment tool webinar",
        "kind": "webinar",
        "held": "y",
        "happens_on": "2023-09-20",
        "attendance": "40",
    }
    assert _save(staff, ids, "webinar", **data).status_code == 302
    assert in_app(lambda: db.session.get(Event, ids["webinar"]).attendance) == 40
    assert _kpi_values(in_app) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Give the event a title."),
        ({"title": "Risk assessment tool webinar"}, "title", "There is already an event called"),
        ({"title": "A <b>bold</b> title"}, "title", "Names cannot contain < or >."),
        ({"kind": "party"}, "kind", "Not a valid choice."),
        ({"happens_on": "2023-13-01"}, "happens_on", "Not a valid date value."),
        ({"held": "y"}, "happens_on", "Give the date it was held."),
        ({"held": "y", "happens_on": "2023-12-01"}, "held", "cannot have been held yet"),
        ({"attendance": "12"}, "attendance", "Record attendance once the event has been held."),
        ({"held": "y", "happens_on": "2023-07-12", "attendance": "-3"}, "attendance", "from 0"),
        ({"held": "y", "happens_on": "2023-07-12", "attendance": "many"}, "attendance", "integer"),
        ({"action": "999999"}, "action", "Not a valid choice."),
        ({"attendance_kpi": "999999"}, "attendance_kpi", "Not a valid choice."),
        ({"attendance_kpi": "{k}", "held_kpi": "{k}"}, "held_kpi", "Choose a different KPI"),
        ({"notes": "a\x00b"}, "notes", "control characters"),
    ],
)
def test_bad_event_input_re_renders_with_field_errors_and_saves_nothing(
    staff, ids, in_app, changes, field, message
):
    changes = {k: v.format(k=ids["attendees"]) for k, v in changes.items()}
    response = _save(staff, ids, **_form(**changes))

    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert message in page_text(response)
    assert in_app(lambda: db.session.scalar(select(func.count(Event.id)))) == 5
    assert _kpi_values(in_app) == []


def test_a_linked_lead_sees_events_but_cannot_add_or_change_them(lead_for, ids, in_app):
    emma = lead_for("Emma Coles")
    assert emma.get("/plan/events").status_code == 200
    assert "Add an event" not in page_text(emma.get("/plan/events"))
    assert emma.get("/plan/events/new").status_code == 403
    response = emma.post(
        f"/plan/events/{ids['hr']}/edit",
        data={
            "csrf_token": csrf_token(emma, "/login"),
            **_hr_event(ids, held="y", happens_on="2023-07-12", attendance="500"),
        },
    )
    assert response.status_code == 403
    assert _kpi_values(in_app) == []


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
@pytest.mark.parametrize("page", ["/plan/events", "/plan/events/new", "/plan/events/{hr}/edit"])
def test_people_who_lead_nothing_cannot_see_or_change_events(request, role, page, ids):
    response = request.getfixturevalue(role).get(page.format(**ids))
    assert response.status_code == (302 if role == "anon" else 403)


def test_an_unknown_event_is_not_found(staff, ids):
    assert staff.get("/plan/events/999999/edit").status_code == 404
