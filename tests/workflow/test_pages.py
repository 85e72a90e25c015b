"""The match page and its forms, for every kind of person: who sees it, who may use each
form, what a stale or bad submit gets (never a 500, nothing saved), and what the page shows."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from brokerage.extensions import db
from brokerage.formatting import format_date
from brokerage.matching.strength import strength_word
from brokerage.notifications.models import Notification
from brokerage.toms.service import measures_by_code
from brokerage.workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from brokerage.workflow.models import MAX_MESSAGE, Delivery, MatchEvent, MatchMessage
from brokerage.workflow.moves import advance, send_message
from brokerage.workflow.states import State
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.pages import page_text
from tests.helpers.web import csrf_token, log_in
from tests.helpers.workflow import PEOPLE, set_state, today

ANON = "anon"


def _client(pair, who: str) -> FlaskClient:
    client = pair.app.test_client()
    return client if who == ANON else log_in(client, f"{who}@example.org")


def _at(in_pair, state: State, which: str = "need", confirmed: bool = False) -> int:
    """Put the pair's match in `state` (with a recorded delivery from delivered on)."""

    def arrange(pair):
        match = pair.match(which)
        if state in (State.DELIVERED, State.VERIFIED):
            set_state(match, State.AGREED)
            report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(3)}, "Register")
            record_delivery(match, pair.user("supplier"), report, today(), match.version)
            if confirmed:
                seeker = "beneficiary" if which == "need" else "buyer"
                confirm_delivery(match, pair.user(seeker), 5, "")
        set_state(match, state)
        return match.id

    return in_pair(arrange)


def _version(client: FlaskClient, match_id: int) -> int:
    with client.application.app_context():
        from brokerage.matches.models import Match

        return db.session.get(Match, match_id).version


def _move(client: FlaskClient, match_id: int, target: str, **options: bool) -> TestResponse:
    """Post the move form as the match page sends it, at the match's current version."""
    data = {"csrf_token": csrf_token(client), "version": _version(client, match_id)}
    return client.post(f"/matches/{match_id}/move", data={**data, "target": target}, **options)


def _count(pair, model) -> int:
    with pair.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _state(pair, match_id: int) -> str:
    with pair.app.app_context():
        from brokerage.matches.models import Match

        return db.session.get(Match, match_id).state


# Who sees a need-offer match: its two sides, the task force and staff. The buyer (a side
# of the other match only) and the outsider (another supplier) get 404, as does anyone
# asking about a match that does not exist.
SEES = {"supplier": 200, "beneficiary": 200, "task_force": 200, "staff": 200}


@pytest.mark.parametrize("who", PEOPLE)
def test_only_the_two_sides_the_task_force_and_staff_see_a_match(pair, who):
    response = _client(pair, who).get(f"/matches/{pair.need_match}")

    assert response.status_code == SEES.get(who, 404)
    if response.status_code == 200:
        html = response.get_data(as_text=True)
        assert "Thames Valley Print" in html and "ARCh Oxfordshire" in html
        assert "Reading volunteers" in html and "Reading helpers for schools" in html
        with pair.app.app_context():
            match = pair.match()
            score, reasons = f"Score {match.score:.2f}", match.reasons
        assert score in html and all(reason in html for reason in reasons)


def test_anyone_signed_out_is_sent_to_log_in(pair):
    response = _client(pair, ANON).get(f"/matches/{pair.need_match}")

    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_match_that_does_not_exist_is_not_found(pair):
    assert _client(pair, "staff").get("/matches/999999").status_code == 404


def _routes() -> dict[str, tuple[State, dict[str, Any]]]:
    """action -> (the state it is tried in, the form); built when used, for today's date."""
    return {
        "move": (State.SUGGESTED, {"target": "interest_expressed", "note": "Shall we talk?"}),
        "messages": (State.IN_DISCUSSION, {"body": "Tuesdays suit us."}),
        "delivery": (
            State.AGREED,
            {
                "measures": ["OIEP-S1"],
                "measures:OIEP-S1": "12",
                "delivered_from": today().isoformat(),
                "delivered_to": today().isoformat(),
                "evidence": "Sign-in sheets",
            },
        ),
        "confirm": (State.DELIVERED, {"rating": "4", "note": "They came every week."}),
        "dispute": (State.DELIVERED, {"reason": "Nobody came on Tuesday."}),
    }


ACTIONS = sorted(_routes())
# action -> what each person gets; 302 = done.
EXPECTED = {
    "move": {"supplier": 302, "beneficiary": 302, "task_force": 409, "staff": 409},
    "messages": {"supplier": 302, "beneficiary": 302, "task_force": 403, "staff": 403},
    "delivery": {"supplier": 302, "beneficiary": 403, "task_force": 403, "staff": 403},
    "confirm": {"supplier": 403, "beneficiary": 302, "task_force": 403, "staff": 403},
    "dispute": {"supplier": 403, "beneficiary": 302, "task_force": 403, "staff": 403},
}
WRITES = {
    "move": MatchEvent,
    "messages": MatchMessage,
    "delivery": MatchEvent,
    "confirm": None,
    "dispute": MatchEvent,
}


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", ACTIONS)
def test_each_form_is_for_the_people_it_should_be_and_refusals_save_nothing(
    pair, in_pair, action, who
):
    state, form = _routes()[action]
    match_id = _at(in_pair, state)
    client = _client(pair, who)
    before = _state(pair, match_id), _count(pair, MatchEvent), _count(pair, MatchMessage)

    token = csrf_token(client, "/login")
    data = {"csrf_token": token, "version": _version(client, match_id), **form}
    response = client.post(f"/matches/{match_id}/{action}", data=data)

    expected = EXPECTED[action].get(who, 404)
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    after = _state(pair, match_id), _count(pair, MatchEvent), _count(pair, MatchMessage)
    if expected != 302:
        assert after == before
    elif WRITES[action] is MatchMessage:
        assert after[2] == before[2] + 1
    elif WRITES[action] is MatchEvent:
        assert after[1] == before[1] + 1
    else:
        with pair.app.app_context():
            delivery = db.session.scalar(select(Delivery).where(Delivery.match_id == match_id))
            assert delivery.is_confirmed and delivery.rating == 4


@pytest.mark.parametrize("action", ACTIONS)
def test_signed_out_posts_are_sent_to_log_in_and_save_nothing(pair, in_pair, action):
    state, form = _routes()[action]
    match_id = _at(in_pair, state)
    events = _count(pair, MatchEvent)

    response = _client(pair, ANON).post(f"/matches/{match_id}/{action}", data=form)

    assert response.status_code in (302, 400)
    assert _count(pair, MatchEvent) == events and _state(pair, match_id) == state.value


def test_the_page_offers_only_the_moves_the_viewer_may_make(pair, in_pair):
    supplier = _client(pair, "supplier").get(f"/matches/{pair.need_match}").get_data(True)
    task_force = _client(pair, "task_force").get(f"/matches/{pair.need_match}").get_data(True)

    assert "Express interest" in supplier and "Decline" in supplier
    assert "Record what was delivered" not in supplier
    assert "Express interest" not in task_force and "Send the message" not in task_force


def test_a_stale_submit_is_told_the_current_state_and_changes_nothing(pair, in_pair):
    supplier = _client(pair, "supplier")
    old_version = _version(supplier, pair.need_match)
    in_pair(lambda p: set_state(p.match(), State.INTEREST_EXPRESSED))

    response = supplier.post(
        f"/matches/{pair.need_match}/move",
        data={
            "csrf_token": csrf_token(supplier, "/login"),
            "version": old_version,
            "target": "declined",
            "reason": "timing",
        },
    )

    assert response.status_code == 409
    assert "changed while you were looking at it: it is now “Interest expressed”" in (
        response.get_data(as_text=True)
    )
    assert _state(pair, pair.need_match) == "interest_expressed"
    assert _count(pair, MatchEvent) == 0


BAD_INPUT = [
    ("move", State.SUGGESTED, {"target": "declined", "reason": ""}, "Choose a reason"),
    ("move", State.SUGGESTED, {"target": "nonsense"}, "Choose one of the moves"),
    ("move", State.SUGGESTED, {"target": "declined", "reason": "evidence_rejected"}, "reason"),
    ("move", State.SUGGESTED, {"target": "in_discussion", "note": "x" * 2001}, "2000"),
    ("messages", State.IN_DISCUSSION, {"body": ""}, "This field is required"),
    ("messages", State.IN_DISCUSSION, {"body": "x" * (MAX_MESSAGE + 1)}, "2000"),
    ("messages", State.IN_DISCUSSION, {"body": "bad\x00byte"}, "control characters"),
    ("delivery", State.AGREED, {"measures:OIEP-S1": "-5"}, "cannot be negative"),
    ("delivery", State.AGREED, {"measures:OIEP-S1": "1000001"}, "more than 1,000,000"),
    ("delivery", State.AGREED, {"measures:OIEP-S1": "2.555"}, "two decimal places"),
    ("delivery", State.AGREED, {"measures:OIEP-S1": "lots"}, "must be a number"),
    ("delivery", State.AGREED, {"measures:OIEP-S1": ""}, "at least one measure"),
    ("delivery", State.AGREED, {"measures": ["NOT-A-CODE"]}, "not a measure"),
    ("delivery", State.AGREED, {"delivered_from": "2001-01-01"}, "before the match"),
    ("delivery", State.AGREED, {"delivered_to": "2999-01-01"}, "after today"),
    ("delivery", State.AGREED, {"delivered_from": "31/02/2024"}, "Not a valid date"),
    ("confirm", State.DELIVERED, {"rating": "9"}, "Not a valid choice"),
]
ACTOR = {"move": "supplier", "messages": "supplier", "delivery": "supplier"}


@pytest.mark.parametrize(("action", "state", "change", "says"), BAD_INPUT)
def test_bad_input_is_shown_beside_the_field_and_saves_nothing(
    pair, in_pair, action, state, change, says
):
    match_id = _at(in_pair, state)
    client = _client(pair, ACTOR.get(action, "beneficiary"))
    events, messages = _count(pair, MatchEvent), _count(pair, MatchMessage)
    data = {**_routes()[action][1], **change}

    response = client.post(
        f"/matches/{match_id}/{action}",
        data={"csrf_token": csrf_token(client, "/login"), "version": 1, **data},
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert says in html
    assert (_count(pair, MatchEvent), _count(pair, MatchMessage)) == (events, messages)
    assert _state(pair, match_id) == state.value


def test_a_query_needs_a_question(pair, in_pair):
    match_id = _at(in_pair, State.DELIVERED)
    client = _client(pair, "task_force")

    response = client.post(
        f"/matches/{match_id}/move",
        data={"csrf_token": csrf_token(client), "version": 1, "target": "agreed", "note": " "},
    )

    assert response.status_code == 400
    assert "Write the question" in response.get_data(as_text=True)
    assert _state(pair, match_id) == "delivered"


def test_html_in_a_message_is_shown_escaped(pair, in_pair):
    match_id = _at(in_pair, State.IN_DISCUSSION)
    supplier = _client(pair, "supplier")
    supplier.post(
        f"/matches/{match_id}/messages",
        data={
            "csrf_token": csrf_token(supplier),
            "version": _version(supplier, match_id),
            "body": "<script>alert(1)</script> see you",
        },
    )

    html = _client(pair, "beneficiary").get(f"/matches/{match_id}").get_data(as_text=True)

    assert "&lt;script&gt;alert(1)&lt;/script&gt; see you" in html
    assert "<script>alert(1)" not in html


def test_moving_a_closed_match_is_refused_with_its_state(pair, in_pair):
    match_id = _at(in_pair, State.WITHDRAWN)
    supplier = _client(pair, "supplier")

    response = _move(supplier, match_id, "in_discussion")

    assert response.status_code == 409
    assert "This match is “Withdrawn”; it cannot change any more." in response.get_data(True)


def test_a_move_is_flashed_with_its_state_in_words_as_lists_show_it(pair, in_pair):
    beneficiary = _client(pair, "beneficiary")
    match_id = _at(in_pair, State.SUGGESTED)

    response = _move(beneficiary, match_id, "interest_expressed", follow_redirects=True)

    assert "This match is now “Interest expressed”." in response.get_data(True)


def test_the_whole_workflow_through_the_page(pair, in_pair):
    """Interest, discussion, agreement, delivery, confirmation and verification, each by the
    person whose move it is, with the history and the other side's inbox to show for it."""
    supplier, beneficiary = _client(pair, "supplier"), _client(pair, "beneficiary")
    task_force = _client(pair, "task_force")
    match_id = pair.need_match
    steps = [
        (beneficiary, "move", {"target": "interest_expressed", "note": "Could you help?"}),
        (supplier, "move", {"target": "in_discussion"}),
        (supplier, "messages", {"body": "Ten volunteers, Tuesdays."}),
        (beneficiary, "move", {"target": "agreed", "note": "Agreed."}),
        (supplier, "delivery", _routes()["delivery"][1]),
        (beneficiary, "confirm", {"rating": "5", "note": ""}),
        (task_force, "move", {"target": "verified", "note": "Evidence checked."}),
    ]
    for client, action, form in steps:
        data = {"csrf_token": csrf_token(client), "version": _version(client, match_id), **form}
        response = client.post(f"/matches/{match_id}/{action}", data=data)
        assert response.status_code == 302, (action, response.get_data(True)[:800])

    html = beneficiary.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "Delivered → Verified" in html and "Ten volunteers, Tuesdays." in html
    assert "Could you help?" in html and "Evidence checked." in html
    assert "12 hours" in html or "OIEP-S1" in html
    assert "rated 5 out of 5" in html
    with pair.app.app_context():
        to_states = db.session.scalars(
            select(MatchEvent.to_state).where(MatchEvent.match_id == match_id)
        ).all()
        told = db.session.scalars(
            select(Notification.subject).where(Notification.user_id == pair.users["supplier"])
        ).all()
    assert to_states == [
        "interest_expressed",
        "in_discussion",
        "agreed",
        "delivered",
        "verified",
    ]
    assert any("is now “Interest expressed”" in subject for subject in told)


def test_a_listings_matches_page_links_to_each_match(pair):
    with pair.app.app_context():
        need_id = pair.match().need_id

    html = _client(pair, "beneficiary").get(f"/matching/needs/{need_id}").get_data(True)

    assert f'href="/matches/{pair.need_match}"' in html
    assert "Open the match with Reading volunteers" in html


def _post_as(pair, who: str, match_id: int, action: str, form: dict, version=None):
    client = _client(pair, who)
    version = _version(client, match_id) if version is None else version
    data = {"csrf_token": csrf_token(client), "version": version, **form}
    return client.post(f"/matches/{match_id}/{action}", data=data)


def test_the_task_force_queries_a_delivery_back_to_the_supplier_with_a_question(pair, in_pair):
    match_id = _at(in_pair, State.DELIVERED, confirmed=True)

    response = _post_as(
        pair, "task_force", match_id, "move", {"target": "agreed", "note": "Which schools?"}
    )

    assert response.status_code == 302
    assert _state(pair, match_id) == "agreed"
    supplier_page = _client(pair, "supplier").get(f"/matches/{match_id}").get_data(True)
    assert "Which schools?" in supplier_page and "Record the delivery again" in supplier_page
    # The delivery as recorded is there to correct.
    assert 'name="measures:OIEP-S1" id="measures-OIEP-S1-quantity" value="3"' in supplier_page
    assert "Register</textarea>" in supplier_page


def test_the_task_force_rejects_the_evidence_with_its_reason(pair, in_pair):
    match_id = _at(in_pair, State.DELIVERED, confirmed=True)
    page = _client(pair, "task_force").get(f"/matches/{match_id}").get_data(True)
    assert "Verify the delivery" in page and "Reject the evidence" in page

    response = _post_as(
        pair,
        "task_force",
        match_id,
        "move",
        {"target": "declined", "reason": "evidence_rejected", "note": "No register."},
    )

    assert response.status_code == 302
    with pair.app.app_context():
        event = db.session.scalars(
            select(MatchEvent).where(MatchEvent.match_id == match_id).order_by(MatchEvent.id.desc())
        ).first()
    assert (event.to_state, event.reason) == ("declined", "evidence_rejected")


def test_verification_waits_for_the_other_sides_confirmation(pair, in_pair):
    match_id = _at(in_pair, State.DELIVERED)

    page = _client(pair, "task_force").get(f"/matches/{match_id}").get_data(True)
    forced = _post_as(pair, "task_force", match_id, "move", {"target": "verified"})

    assert "Verify the delivery" not in page and "Verification waits for" in page
    assert forced.status_code == 409 and _state(pair, match_id) == "delivered"


def test_a_stale_message_is_refused_but_keeps_what_was_typed(pair, in_pair):
    match_id = _at(in_pair, State.IN_DISCUSSION)
    old = _version(_client(pair, "supplier"), match_id)
    in_pair(lambda p: set_state(p.match(), State.AGREED))

    response = _post_as(
        pair, "supplier", match_id, "messages", {"body": "See you Tuesday."}, version=old
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "it is now “Agreed”" in html and "See you Tuesday.</textarea>" in html
    assert _count(pair, MatchMessage) == 0


@pytest.mark.parametrize("action", ["", *ACTIONS])
def test_a_member_of_another_beneficiary_gets_not_found_everywhere(pair, in_pair, action):
    def other_beneficiary(pair):
        organisation = OrganisationFactory(kind="beneficiary")
        MembershipFactory(
            user=UserFactory(email="other.charity@example.org"), organisation=organisation
        )

    in_pair(other_beneficiary)
    state, form = _routes().get(action, (State.SUGGESTED, {}))
    match_id = _at(in_pair, state)
    client = log_in(pair.app.test_client(), "other.charity@example.org")

    if action:
        data = {"csrf_token": csrf_token(client), "version": 1, **form}
        response = client.post(f"/matches/{match_id}/{action}", data=data)
    else:
        response = client.get(f"/matches/{match_id}")

    assert response.status_code == 404
    assert _state(pair, match_id) == state.value


def test_a_confirmed_delivery_is_not_confirmed_again(pair, in_pair):
    match_id = _at(in_pair, State.DELIVERED, confirmed=True)
    page = _client(pair, "beneficiary").get(f"/matches/{match_id}").get_data(True)

    again = _post_as(pair, "beneficiary", match_id, "confirm", {"rating": "1"})

    assert "Confirm the delivery" not in page and "rated 5 out of 5" in page
    assert again.status_code == 409 and "already confirmed" in again.get_data(True)
    with pair.app.app_context():
        assert db.session.scalar(select(Delivery.rating)) == 5


def test_a_match_page_reads_delivered_quantities_and_its_strength_as_people_write_them(
    pair, in_pair
):
    def arrange(pair):
        match = pair.match("need")
        set_state(match, State.AGREED)
        report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal("40.00")}, "Register")
        record_delivery(match, pair.user("supplier"), report, today(), match.version)
        return match.id, strength_word(match.score)

    match_id, strength = in_pair(arrange)
    page = _client(pair, "beneficiary").get(f"/matches/{match_id}").get_data(as_text=True)
    assert '<td class="text-end">40 ' in page and "4E+1" not in page
    assert f">{strength.capitalize()}</span></h2>" in page
    assert "policy version" not in page
    assert "policy version" in _client(pair, "staff").get(f"/matches/{match_id}").get_data(True)


def test_the_delivered_table_names_each_measure_with_its_code_in_brackets(pair, in_pair):
    def arrange(pair):
        match = pair.match("need")
        set_state(match, State.AGREED)
        report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(3)}, "Register")
        record_delivery(match, pair.user("supplier"), report, today(), match.version)
        return match.id, measures_by_code(["OIEP-S1"])["OIEP-S1"].description

    match_id, name = in_pair(arrange)

    text = page_text(_client(pair, "beneficiary").get(f"/matches/{match_id}"))

    assert f"Measure Quantity Social value {name} (OIEP-S1) 3 " in text


def test_the_match_page_writes_every_date_and_time_one_way(pair, in_pair):
    """Dates as "4 December 2026", times as "4 December 2026 at 14:05" in UK time (winter:
    the same as UTC), in the delivery, the messages and the history; moves as words."""
    suggested = datetime(2026, 12, 4, 14, 5, tzinfo=UTC)

    def arrange(pair):
        match = pair.match("need")
        advance(match, State.INTEREST_EXPRESSED, pair.user("supplier"))
        advance(match, State.IN_DISCUSSION, pair.user("beneficiary"))
        message = send_message(match, pair.user("supplier"), "Tuesday suits us.")
        advance(match, State.AGREED, pair.user("beneficiary"))
        report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(3)}, "Register")
        delivery = record_delivery(match, pair.user("supplier"), report, today(), match.version)
        confirm_delivery(match, pair.user("beneficiary"), 5, "")
        match.computed_at = suggested
        message.at = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
        for event in db.session.scalars(select(MatchEvent).filter_by(match_id=match.id)):
            event.at = datetime(2026, 12, 6, 16, 45, tzinfo=UTC)
        delivery.delivered_from, delivery.delivered_to = date(2026, 12, 7), date(2026, 12, 8)
        delivery.confirmed_at = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)
        return match.id

    match_id = in_pair(arrange)

    text = page_text(_client(pair, "beneficiary").get(f"/matches/{match_id}"))

    assert "Delivered from 7 December 2026 to 8 December 2026, recorded by" in text
    assert "on 9 December 2026" in text
    assert "Supplier, Thames Valley Print, 5 December 2026 at 09:30" in text
    assert "4 December 2026 at 14:05 The matching engine Suggested" in text
    assert "6 December 2026 at 16:45 Supplier Suggested → Interest expressed" in text
    assert "Interest expressed → In discussion" in text
    assert not re.search(r"\b\d{2} [A-Z][a-z]{2} \d{4}|UTC|interest_expressed", text), text


def test_a_delivery_made_in_one_day_is_said_to_be_delivered_on_that_day(pair, in_pair):
    def arrange(pair):
        match = pair.match("need")
        advance(match, State.INTEREST_EXPRESSED, pair.user("supplier"))
        advance(match, State.IN_DISCUSSION, pair.user("beneficiary"))
        advance(match, State.AGREED, pair.user("beneficiary"))
        report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(3)}, "Register")
        record_delivery(match, pair.user("supplier"), report, today(), match.version)
        return match.id

    match_id = in_pair(arrange)

    text = page_text(_client(pair, "beneficiary").get(f"/matches/{match_id}"))

    day = format_date(today())
    assert f"Delivered on {day}, recorded by" in text
    assert f"{day} to {day}" not in text
