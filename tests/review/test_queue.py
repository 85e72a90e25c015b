"""The verification queue: what the task force sees of each delivered outcome, the three
answers it gives, and who may do any of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.formatting import format_date
from brokerage.matches.models import Match
from brokerage.toms.service import measures_by_code
from brokerage.workflow.models import Delivery, MatchEvent
from brokerage.workflow.states import State
from tests.helpers.pages import page_text
from tests.helpers.review import ReviewWorld, deliver_m5_at_a_proxy_value
from tests.helpers.web import post_form


def _state(in_app, review_world: ReviewWorld, key: str) -> str:
    return in_app(lambda: db.session.get(Match, review_world.matches[key]).state)


def _answer(client, review_world: ReviewWorld, key: str, action: str, **data):
    version = data.pop("version", None)
    if version is None:
        version = _version(client, review_world, key)
    return post_form(
        client,
        f"/review/outcomes/{review_world.matches[key]}/{action}",
        {"version": str(version), **data},
        page="/account",
    )


def _last_event(in_app, review_world: ReviewWorld, key: str) -> MatchEvent:
    return in_app(
        lambda: db.session.scalars(
            select(MatchEvent)
            .where(MatchEvent.match_id == review_world.matches[key])
            .order_by(MatchEvent.id.desc())
        ).first()
    )


def _delivery(review_world: ReviewWorld, key: str) -> Delivery:
    return db.session.scalars(
        select(Delivery).where(Delivery.match_id == review_world.matches[key])
    ).one()


def _version(client, review_world: ReviewWorld, key: str) -> int:
    with client.application.app_context():
        return db.session.get(Match, review_world.matches[key]).version


def test_the_queue_shows_the_delivery_its_evidence_confirmation_and_double_count(
    review_client, review_world
):
    html = review_client("task_force").get("/review/").get_data(as_text=True)
    m1, m2 = review_world.matches["m1"], review_world.matches["m2"]
    assert f"Match {m2}</a>: Reading volunteers for Print services" in html
    assert "Timesheets signed by Jane Secret" in html
    assert "5</td><td>hours" in html.replace("\n", "")
    assert "no proxy value: units only" in html
    assert "by Supplier_A Person of Thames Valley Print (the supplier)" in html
    assert "Confirmed</span> by Buyer Person of Oxford City Council (the buyer)" in html
    assert "Possible double count" in html
    assert f"Match {m1}</a>: Reading volunteers for Reading helpers (ARCh Oxfordshire)" in html
    assert f'action="/review/outcomes/{m2}/verify"' in html


def test_each_delivered_measure_is_named_with_its_code_in_brackets(
    review_client, review_world, in_app
):
    name = in_app(lambda: measures_by_code(["OIEP-S6"])["OIEP-S6"].description)

    text = page_text(review_client("task_force").get("/review/"))

    assert f"Measure Quantity Unit Value {name} (OIEP-S6) 5 hours" in text


def test_a_delivery_made_in_one_day_reads_as_that_day_not_from_it_to_itself(
    review_client, review_world, in_app
):
    day = in_app(lambda: format_date(_delivery(review_world, "m2").delivered_from))
    assert day == in_app(lambda: format_date(_delivery(review_world, "m2").delivered_to))

    text = page_text(review_client("task_force").get("/review/"))

    assert f"Delivered On {day}" in text
    assert f"{day} to {day}" not in text


def test_a_verified_outcome_names_who_recorded_confirmed_and_verified_it(
    review_client, review_world
):
    html = review_client("staff").get("/review/").get_data(as_text=True)

    assert (
        "recorded by Supplier_A Person of Thames Valley Print, confirmed by Beneficiary Person "
        "of ARCh Oxfordshire, verified by Task_Force Person of the task force on"
    ) in html


def test_no_double_count_flag_for_another_suppliers_claim(app, review_client, review_world):
    """m5's delivery by supplier B has m1's measure and dates, but another supplier."""
    with app.app_context():
        deliver_m5_at_a_proxy_value(review_world)
        db.session.commit()
    html = review_client("task_force").get("/review/").get_data(as_text=True)
    assert html.count("Possible double count") == 1  # m2's, not m5's


def test_html_in_the_evidence_is_shown_escaped(app, review_client, review_world):
    with app.app_context():
        delivery = _delivery(review_world, "m2")
        delivery.evidence = "<script>alert(1)</script>"
        db.session.commit()
    html = review_client("task_force").get("/review/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_proxy_value_in_force_gives_the_delivery_a_value_in_pounds(
    app, review_client, review_world
):
    with app.app_context():
        deliver_m5_at_a_proxy_value(review_world)
        db.session.commit()
    html = review_client("task_force").get("/review/").get_data(as_text=True)
    assert "£45.00" in html and "at £15.00 a unit (Test source, 2024)" in html


def test_the_task_force_verifies_a_confirmed_delivery(review_client, in_app, review_world):
    response = _answer(review_client("task_force"), review_world, "m2", "verify", note="Checked.")
    assert response.status_code == 302
    assert _state(in_app, review_world, "m2") == State.VERIFIED
    event = _last_event(in_app, review_world, "m2")
    assert (event.to_state, event.actor_id, event.note) == (
        "verified", review_world.users["task_force"], "Checked."
    )  # fmt: skip


def test_verify_waits_for_the_other_sides_confirmation(app, review_client, in_app, review_world):
    with app.app_context():
        delivery = _delivery(review_world, "m2")
        delivery.confirmed_at = None
        db.session.commit()
    client = review_client("task_force")
    html = client.get("/review/").get_data(as_text=True)
    assert "Not yet confirmed" in html
    assert f"/review/outcomes/{review_world.matches['m2']}/verify" not in html
    response = _answer(client, review_world, "m2", "verify")
    assert response.status_code == 409
    assert "has not yet confirmed that the help arrived" in response.get_data(as_text=True)
    assert _state(in_app, review_world, "m2") == State.DELIVERED


def test_a_query_sends_the_delivery_back_with_the_question(review_client, in_app, review_world):
    response = _answer(review_client("staff"), review_world, "m2", "query", note="How many pupils?")
    assert response.status_code == 302
    assert _state(in_app, review_world, "m2") == State.AGREED
    assert _last_event(in_app, review_world, "m2").note == "How many pupils?"


def test_a_query_without_a_question_is_refused_with_a_field_error(
    review_client, in_app, review_world
):
    response = _answer(review_client("task_force"), review_world, "m2", "query", note="")
    assert response.status_code == 400
    assert "This field is required." in response.get_data(as_text=True)
    assert _state(in_app, review_world, "m2") == State.DELIVERED


def test_rejecting_declines_the_match_with_evidence_rejected(review_client, in_app, review_world):
    response = _answer(
        review_client("task_force"), review_world, "m2", "reject", note="No timesheets."
    )
    assert response.status_code == 302
    event = _last_event(in_app, review_world, "m2")
    assert (event.to_state, event.reason) == ("declined", "evidence_rejected")


def test_a_stale_view_is_refused_with_409_and_the_state_now(review_client, in_app, review_world):
    version = _version(review_client("anon"), review_world, "m2")
    client = review_client("task_force")
    assert (
        _answer(client, review_world, "m2", "query", note="First?", version=version).status_code
        == 302
    )
    response = _answer(client, review_world, "m2", "reject", note="Second", version=version)
    assert response.status_code == 409
    assert "changed while you were looking at it: it is now “Agreed”" in response.get_data(
        as_text=True
    )
    assert _state(in_app, review_world, "m2") == State.AGREED


@pytest.mark.parametrize("version", ["", "abc", "-1", "9" * 30])
def test_a_bad_version_is_a_400_not_a_500(review_client, in_app, review_world, version):
    response = _answer(review_client("task_force"), review_world, "m2", "verify", version=version)
    assert response.status_code == 400
    assert _state(in_app, review_world, "m2") == State.DELIVERED


def test_an_outcome_that_is_not_delivered_cannot_be_verified(review_client, in_app, review_world):
    response = _answer(review_client("task_force"), review_world, "m4", "verify")
    assert response.status_code == 409
    assert _state(in_app, review_world, "m4") == State.SUGGESTED


@pytest.mark.parametrize("who", ["supplier_a", "supplier_b", "beneficiary", "buyer"])
@pytest.mark.parametrize("path", ["/review/", "/review/dashboard", "/review/export/matches.csv"])
def test_only_the_task_force_and_staff_see_the_workspace(review_client, review_world, who, path):
    assert review_client(who).get(path).status_code == 403


@pytest.mark.parametrize("who", ["task_force", "staff"])
def test_the_task_force_and_staff_see_the_queue(review_client, review_world, who):
    assert review_client(who).get("/review/").status_code == 200


@pytest.mark.parametrize("who", ["supplier_a", "buyer"])
@pytest.mark.parametrize("action", ["verify", "query", "reject"])
def test_the_two_sides_cannot_answer_for_the_task_force(
    review_client, in_app, review_world, who, action
):
    response = _answer(review_client(who), review_world, "m2", action, note="Mine.")
    assert response.status_code == 403
    assert _state(in_app, review_world, "m2") == State.DELIVERED


def test_anonymous_people_are_sent_to_log_in(review_client, review_world):
    response = review_client("anon").get("/review/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
