"""Disputes: the receiving side (the beneficiary, or the buyer) says a delivery is not
right and why; the match goes back to the supplier, who is told and records it again. Who
may dispute is who may confirm, and a reason is required."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.notifications.models import Notification
from brokerage.workflow import moves
from brokerage.workflow.delivery import (
    DeliveryReport,
    confirm_delivery,
    dispute_delivery,
    record_delivery,
)
from brokerage.workflow.models import MatchEvent
from brokerage.workflow.states import DISPUTED, InvalidTransition, Role, State, moves_from
from tests.helpers.web import csrf_token, log_in
from tests.helpers.workflow import report_for_today, set_state, today


def _report() -> DeliveryReport:
    return report_for_today("OIEP-S1", 12, "Register")


def _delivered(pair, which: str = "need") -> Match:
    match = pair.match(which)
    set_state(match, State.AGREED)
    record_delivery(match, pair.user("supplier"), _report(), today(), None)
    return match


def _dispute_page(pair, who: str, match_id: int, reason: str):
    client = log_in(pair.app.test_client(), f"{who}@example.org")
    with pair.app.app_context():
        version = db.session.get(Match, match_id).version
    data = {"csrf_token": csrf_token(client), "version": str(version), "reason": reason}
    return client, client.post(f"/matches/{match_id}/dispute", data=data)


def test_the_beneficiary_disputes_a_delivery_and_the_supplier_is_told_why(pair, in_pair):
    match_id = in_pair(lambda pair: _delivered(pair).id)

    _, response = _dispute_page(pair, "beneficiary", match_id, "Nobody came on 3 December.")

    assert response.status_code == 302
    with pair.app.app_context():
        match = db.session.get(Match, match_id)
        assert match.state == "agreed"
        event = db.session.scalars(select(MatchEvent).order_by(MatchEvent.id.desc())).first()
        assert (event.from_state, event.to_state, event.reason, event.note) == (
            "delivered",
            "agreed",
            DISPUTED,
            "Nobody came on 3 December.",
        )
        told = db.session.scalars(
            select(Notification).where(Notification.user_id == pair.users["supplier"])
        ).all()
        assert [(n.subject, n.body, n.link) for n in told][-1] == (
            "ARCh Oxfordshire disputes the delivery recorded for the match of Reading "
            "volunteers with Reading helpers for schools",
            "Nobody came on 3 December.",
            f"/matches/{match_id}",
        )
    supplier = log_in(pair.app.test_client(), "supplier@example.org")
    page = supplier.get(f"/matches/{match_id}").get_data(as_text=True)
    assert "ARCh Oxfordshire disputed the delivery" in page
    assert "Record the delivery again" in page
    assert "The delivery is disputed. Nobody came on 3 December." in page  # the history


def test_the_buyer_disputes_a_delivery_to_its_opportunity(pair, in_pair):
    match_id = in_pair(lambda pair: _delivered(pair, "opportunity").id)

    _, response = _dispute_page(pair, "buyer", match_id, "Only half the leaflets arrived.")

    assert response.status_code == 302
    with pair.app.app_context():
        assert db.session.get(Match, match_id).state == "agreed"


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_dispute_without_a_reason_gets_a_field_error_and_changes_nothing(pair, in_pair, reason):
    match_id = in_pair(lambda pair: _delivered(pair).id)
    with pair.app.app_context():
        events = db.session.scalar(select(func.count()).select_from(MatchEvent))

    _, response = _dispute_page(pair, "beneficiary", match_id, reason)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Say what is wrong with the delivery." in page and 'id="dispute-reason-error"' in page
    with pair.app.app_context():
        assert db.session.get(Match, match_id).state == "delivered"
        assert db.session.scalar(select(func.count()).select_from(MatchEvent)) == events


def test_the_page_offers_the_dispute_to_the_receiving_side_only(pair, in_pair):
    match_id = in_pair(lambda pair: _delivered(pair).id)

    def page(who: str) -> str:
        client = log_in(pair.app.test_client(), f"{who}@example.org")
        return client.get(f"/matches/{match_id}").get_data(as_text=True)

    assert "Dispute the delivery" in page("beneficiary")
    for who in ("supplier", "task_force", "staff"):
        assert "Dispute the delivery" not in page(who)


# Who may dispute is who may confirm: a member of the receiving side who did not record
# the delivery and is on neither the supplier's side nor the task force or staff.
REFUSED = {
    "supplier": "Only the buyer or beneficiary disputes a delivery.",
    "member_of_both": "member of the supplier that delivered",
    "task_force_beneficiary": "You are on the task force",
    "staff_beneficiary": "You are on the task force",
    "task_force": "Only the buyer or beneficiary disputes a delivery.",
    "staff": "Only the buyer or beneficiary disputes a delivery.",
    "outsider": "Only the buyer or beneficiary disputes a delivery.",
}


@pytest.mark.parametrize("who", sorted(REFUSED))
def test_only_who_may_confirm_may_dispute(every_kind, in_pair, who):
    def attempt(pair):
        match = _delivered(pair)
        with pytest.raises(InvalidTransition, match=REFUSED[who]):
            dispute_delivery(match, pair.user(who), "Not right.", None)
        return match.state

    assert in_pair(attempt) == "delivered"


def test_a_confirmed_delivery_cannot_be_disputed(pair, in_pair):
    def attempt(pair):
        match = _delivered(pair)
        confirm_delivery(match, pair.user("beneficiary"), 5, "")
        with pytest.raises(InvalidTransition, match="already confirmed"):
            dispute_delivery(match, pair.user("beneficiary"), "Changed my mind.", None)
        return match.state

    assert in_pair(attempt) == "delivered"


def test_the_receiving_side_sends_a_delivery_back_only_by_disputing_it(pair, in_pair):
    def attempt(pair):
        match = _delivered(pair)
        with pytest.raises(InvalidTransition, match="dispute it and say why"):
            moves.advance(match, State.AGREED, pair.user("beneficiary"), note="No.")
        return match.state

    assert in_pair(attempt) == "delivered"


def test_the_task_force_cannot_dispute_in_the_receiving_sides_name(pair, in_pair):
    def attempt(pair):
        match = _delivered(pair)
        with pytest.raises(InvalidTransition):
            moves.advance(match, State.AGREED, pair.user("task_force"), note="No.", disputing=True)
        return match.state

    assert in_pair(attempt) == "delivered"


def test_only_a_delivered_match_can_be_disputed(pair, in_pair):
    def attempt(pair):
        match = pair.match()
        set_state(match, State.AGREED)
        with pytest.raises(InvalidTransition, match="Only a delivery waiting"):
            dispute_delivery(match, pair.user("beneficiary"), "Not yet.", None)

    in_pair(attempt)


def test_after_a_dispute_the_supplier_records_again_and_the_beneficiary_confirms(pair, in_pair):
    def journey(pair):
        match = _delivered(pair)
        dispute_delivery(match, pair.user("beneficiary"), "Twelve hours, not twenty.", None)
        again = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(10)}, "Corrected register")
        delivery = record_delivery(match, pair.user("supplier"), again, today(), None)
        assert match.state == "delivered" and not delivery.is_confirmed
        confirm_delivery(match, pair.user("beneficiary"), 4, "Right now.")
        return [line.quantity for line in delivery.lines], delivery.is_confirmed

    assert in_pair(journey) == ([Decimal(10)], True)


def test_no_bare_move_form_offers_the_receiving_side_to_send_a_delivery_back():
    assert moves_from(State.DELIVERED, {Role.PARTY, Role.SEEKER}) == []
    assert State.AGREED in moves_from(State.DELIVERED, {Role.TASK_FORCE})


def test_the_review_queue_shows_the_task_force_an_earlier_dispute(pair, in_pair):
    def disputed_then_recorded_again(pair):
        match = _delivered(pair)
        dispute_delivery(match, pair.user("beneficiary"), "Twelve hours, not twenty.", None)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)

    in_pair(disputed_then_recorded_again)
    queue = log_in(pair.app.test_client(), "task_force@example.org").get("/review/")

    page = queue.get_data(as_text=True)
    assert "Disputed before" in page
    assert "by Beneficiary of ARCh Oxfordshire: “Twelve hours, not twenty.”" in page
