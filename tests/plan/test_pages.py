"""The staff pages: overview, the filtered actions list, and an action with its updates."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.plan.models import Action, ActionUpdate
from tests.helpers.pages import page_text
from tests.helpers.web import csrf_token

PAGES = ["/plan/", "/plan/actions", "/plan/actions/{id}"]


def _action_id(description: str) -> int:
    return db.session.scalar(select(Action.id).where(Action.description == description))


@pytest.fixture
def first_action(loaded_plan, in_app) -> int:
    """ "Fundraising ... for the ARCh expansion", Emma Coles, April 2023-October 2024."""
    return in_app(lambda: loaded_plan().working_groups[0].objectives[0].actions[0].id)


def _set(in_app, action_id: int, **values) -> None:
    def change() -> None:
        action = db.session.get(Action, action_id)
        for key, value in values.items():
            setattr(action, key, value)
        db.session.commit()

    in_app(change)


# Access ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(anon, first_action, page):
    response = anon.get(page.format(id=first_action))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
@pytest.mark.parametrize("page", PAGES)
def test_people_who_are_not_staff_cannot_see_the_plan(request, role, page, first_action):
    client = request.getfixturevalue(role)
    assert client.get(page.format(id=first_action)).status_code == 403


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
def test_people_who_are_not_staff_cannot_post_an_update(request, role, first_action, in_app):
    client = request.getfixturevalue(role)
    response = client.post(
        f"/plan/actions/{first_action}/updates",
        data={"csrf_token": csrf_token(client, "/login"), "status": "done", "note": "Hacked"},
    )
    assert response.status_code in (302, 403)
    if role != "anon":
        assert response.status_code == 403
    assert in_app(lambda: db.session.scalar(select(ActionUpdate.id))) is None


def test_staff_see_the_delivery_plan_link_and_others_do_not(staff, buyer, loaded_plan):
    assert "Delivery plan" in page_text(staff.get("/"))
    assert "Delivery plan" not in page_text(buyer.get("/"))


def test_an_unknown_action_is_not_found(staff, loaded_plan):
    assert staff.get("/plan/actions/999999").status_code == 404


# Overview -------------------------------------------------------------------------


def test_the_overview_lists_each_working_group_with_its_objectives_and_progress(staff, loaded_plan):
    text = page_text(staff.get("/plan/"))

    for group in ("Educational Attainment", "Inclusive Employment", "Place Shaping"):
        assert group in text
    assert "Supporting over 50's into employment" in text
    assert "Establish an OIEP HR Network" in text
    assert "The plan gives this working group no objectives of its own." in text
    # Every timescale in the plan ended by 2024, so today every dated action not done is
    # overdue: 47 of the 56 have end dates (3 are On-going or TBC, 6 give none).
    assert "56 actions: 0 done (0%), 0 at risk (0%), 47 overdue (84%)" in text


@pytest.mark.parametrize(
    "path",
    ["/plan/", "/plan/actions", "/plan/kpis", "/plan/timeline", "/plan/report?quarter=2024Q1"],
)
def test_a_plan_tables_box_takes_the_keyboard_and_names_itself_as_it_may_scroll(
    staff, loaded_plan, path
):
    """On a phone a wide table scrolls inside its box; without focus a keyboard cannot
    scroll it (axe: scrollable-region-focusable, found by the staff journey at 390 px)."""
    html = staff.get(path).get_data(as_text=True)
    boxes = re.findall(r'<div class="table-responsive"[^>]*>', html)

    assert boxes
    for box in boxes:
        assert 'tabindex="0"' in box and 'role="region"' in box, box
        assert re.search(r'aria-label="[^"]+ \(scrolls sideways on a small screen\)"', box), box


def test_marking_actions_done_changes_the_overview(staff, loaded_plan, in_app):
    def finish_educational_attainment() -> None:
        for action in loaded_plan().working_groups[0].actions:
            action.status = "done"
        db.session.commit()

    in_app(finish_educational_attainment)
    text = page_text(staff.get("/plan/"))

    assert "Educational Attainment RAG rating: Green" in text
    assert "10 actions: 10 done (100%), 0 at risk (0%), 0 overdue (0%)" in text
    assert "56 actions: 10 done (18%), 0 at risk (0%), 37 overdue (66%)" in text


def test_the_overview_without_a_plan_says_how_to_load_one(staff):
    assert "No delivery plan has been loaded yet" in page_text(staff.get("/plan/"))


# Actions list ---------------------------------------------------------------------


def _listed(response) -> list[str]:
    return re.findall(r'<a href="/plan/actions/\d+">([^<]+)</a>', response.get_data(as_text=True))


def test_all_actions_are_listed_without_filters(staff, loaded_plan):
    response = staff.get("/plan/actions")
    assert response.status_code == 200
    assert "56 actions found." in page_text(response)


def test_actions_filter_by_working_group_and_lead_in_the_url(staff, loaded_plan):
    response = staff.get("/plan/actions?working_group=educational-attainment&lead=Fundraising+WG")
    assert "2 actions found." in page_text(response)
    assert (
        _listed(response)
        == ["Fundraising – investigating and identifying possible funding sources"] * 2
    )
    html = response.get_data(as_text=True)
    assert re.search(r'<option[^>]*selected[^>]*value="educational-attainment"', html)
    assert re.search(r'<option[^>]*selected[^>]*value="Fundraising WG"', html)


def test_a_lead_named_with_others_is_found_by_their_own_name(staff, loaded_plan):
    response = staff.get("/plan/actions?lead=Jeremy+Long")
    assert _listed(response) == ["Presentations at events and organisations"]


def test_actions_filter_by_phase_and_status(staff, loaded_plan, in_app):
    response = staff.get("/plan/actions?phase=do")
    assert "5 actions found." in page_text(response)

    in_app(lambda: _set(in_app, in_app(lambda: _action_id("Risk assessment tool webinar")),
                        status="at_risk"))  # fmt: skip
    response = staff.get("/plan/actions?phase=do&status=at_risk")
    assert _listed(response) == ["Risk assessment tool webinar"]


def test_overdue_means_past_its_end_date_and_not_done(staff, loaded_plan, in_app):
    webinar = in_app(lambda: _action_id("Risk assessment tool webinar"))
    _set(in_app, webinar, ends_on=date(2099, 9, 30))
    all_overdue = page_text(staff.get("/plan/actions?overdue=y"))
    assert "46 actions found." in all_overdue  # 47 less the webinar, not due until 2099

    _set(in_app, webinar, ends_on=date(2023, 9, 30), status="done")
    assert "46 actions found." in page_text(staff.get("/plan/actions?overdue=y"))


def test_a_filter_value_that_is_not_a_choice_is_shown_as_an_error(staff, loaded_plan):
    response = staff.get("/plan/actions?status=finished&lead=Nobody")
    assert response.status_code == 400
    text = page_text(response)
    assert "There is a problem" in text
    assert "Status : Not a valid choice." in text
    assert "Lead : Not a valid choice." in text
    assert 'id="status-error"' in response.get_data(as_text=True)
    assert "actions found" not in text


# Action page and updates ----------------------------------------------------------


def test_the_action_page_shows_its_details_outcomes_and_kpis(staff, first_action):
    text = page_text(staff.get(f"/plan/actions/{first_action}"))
    assert "Fundraising – investigating and identifying possible funding sources" in text
    assert "Responsible lead Emma Coles" in text
    assert "April 2023-October 2024 (1 April 2023 to 31 October 2024)" in text
    assert "Funding for ARCh expansion secured" in text
    assert (
        "Number of ARCh company volunteers through charter : target not set; 0 volunteers so far"
        in text
    )
    assert "No updates yet." in text


def test_staff_post_an_update_and_the_action_takes_its_status(staff, first_action, in_app):
    page = f"/plan/actions/{first_action}"
    response = staff.post(
        f"{page}/updates",
        data={
            "csrf_token": csrf_token(staff, page),
            "status": "on_track",
            "note": "Applied to two trusts.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page)

    text = page_text(staff.get(page))
    assert "Update posted. The action is now on track." in text
    assert "Applied to two trusts." in text

    def saved() -> tuple:
        action = db.session.get(Action, first_action)
        update = action.updates[0]
        return action.status, update.status, update.author.email

    assert in_app(saved) == ("on_track", "on_track", staff.user_email)


def test_a_newer_update_is_listed_first(staff, first_action):
    page = f"/plan/actions/{first_action}"
    for status, note in (("on_track", "First note."), ("at_risk", "Second note.")):
        staff.post(
            f"{page}/updates",
            data={"csrf_token": csrf_token(staff, page), "status": status, "note": note},
        )
    text = page_text(staff.get(page))
    assert text.index("Second note.") < text.index("First note.")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"status": "done", "note": ""}, "note", "Write what has happened since the last update."),
        ({"status": "finished", "note": "Done."}, "status", "Not a valid choice."),
        ({"status": "done", "note": "x" * 4001}, "note", "Field cannot be longer than 4000"),
        ({"status": "done", "note": "bad\x00byte"}, "note", "invisible control characters"),
    ],
)
def test_a_bad_update_re_renders_with_field_errors_and_changes_nothing(
    staff, first_action, in_app, data, field, message
):
    page = f"/plan/actions/{first_action}"
    response = staff.post(f"{page}/updates", data={"csrf_token": csrf_token(staff, page), **data})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html
    assert message in page_text(response)
    assert in_app(lambda: db.session.get(Action, first_action).status) == "not_started"
    assert in_app(lambda: db.session.scalar(select(ActionUpdate.id))) is None


def test_an_update_without_the_csrf_token_is_refused(staff, first_action, in_app):
    response = staff.post(
        f"/plan/actions/{first_action}/updates", data={"status": "done", "note": "Done."}
    )
    assert response.status_code == 400
    assert in_app(lambda: db.session.scalar(select(ActionUpdate.id))) is None


def test_plan_pages_carry_no_inline_style_or_script(staff, first_action):
    for page in PAGES:
        html = staff.get(page.format(id=first_action)).get_data(as_text=True)
        assert " style=" not in html
        assert "<script>" not in html
        assert not re.search(r"\son[a-z]+=", html)


def test_every_plan_page_carries_no_inline_style_script_or_handler(staff, first_action, in_app):
    def ids() -> dict[str, int]:
        from brokerage.plan.event_models import Event
        from brokerage.plan.models import Kpi, PlanLead, Project

        first = {model: db.session.scalar(select(model.id)) for model in (Event, Kpi, PlanLead)}
        return {
            "event": first[Event],
            "kpi": first[Kpi],
            "lead": first[PlanLead],
            "project": db.session.scalar(select(Project.id)),
        }

    found = in_app(ids)
    pages = [
        "/plan/mine",
        "/plan/timeline",
        "/plan/kpis",
        f"/plan/kpis/{found['kpi']}",
        "/plan/events",
        "/plan/events/new",
        f"/plan/events/{found['event']}/edit",
        "/plan/projects",
        f"/plan/projects/{found['project']}",
        "/plan/leads",
        f"/plan/leads/{found['lead']}",
        "/plan/working-groups",
        "/plan/working-groups/inclusive-employment",
        "/plan/toolkit",
        "/plan/toolkit/new",
    ]
    for page in pages:
        response = staff.get(page)
        assert response.status_code == 200, page
        html = response.get_data(as_text=True)
        assert " style=" not in html and "<style" not in html, page
        assert "<script>" not in html, page
        assert not re.search(r"\son[a-z]+=", html), page
