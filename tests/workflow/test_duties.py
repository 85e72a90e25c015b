"""Separation of duties: the delivery of an outcome is recorded by its supplier, confirmed
by someone of the receiving side only, and reviewed (verified, queried, rejected) by the
task force or staff of neither side, so nobody can vouch for their own social value. Tried
over every kind of person, through the services and, for the attack of issue 17, the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.impact.service import impact
from brokerage.review import service as review
from brokerage.toms.models import Measure
from brokerage.toms.service import add_proxy_value
from brokerage.workflow import moves
from brokerage.workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from brokerage.workflow.models import Delivery
from brokerage.workflow.states import InvalidTransition, State
from tests.factories import MembershipFactory
from tests.helpers.web import csrf_token, log_in
from tests.helpers.workflow import KINDS, report_for_today, set_state, today


def _report() -> DeliveryReport:
    return report_for_today("OIEP-S6", 1_000_000, "Trust me.")


def _priced(pair) -> None:
    """An hour of OIEP-S6 is worth £15, so a million hours would move the public total."""
    measure = db.session.scalars(select(Measure).where(Measure.code == "OIEP-S6")).first()
    add_proxy_value(measure, 1_500, "Test table", pair.user("staff"))


def _delivered(pair, confirmed: bool = True):
    """The need match delivered by the supplier and, if asked, confirmed by the beneficiary."""
    match = pair.match()
    set_state(match, State.AGREED)
    record_delivery(match, pair.user("supplier"), _report(), today(), None)
    if confirmed:
        confirm_delivery(match, pair.user("beneficiary"), rating=5)
    return match


def _record(pair, who):
    match = pair.match()
    set_state(match, State.AGREED)
    record_delivery(match, pair.user(who), _report(), today(), None)


def _confirm(pair, who):
    confirm_delivery(_delivered(pair, confirmed=False), pair.user(who), rating=5)


def _verify(pair, who):
    review.verify(_delivered(pair), pair.user(who), "Checked.", None)


def _query(pair, who):
    review.query(_delivered(pair), pair.user(who), "Which schools?", None)


def _reject(pair, who):
    review.reject(_delivered(pair), pair.user(who), "No register.", None)


STEPS = {"record": _record, "confirm": _confirm, "verify": _verify, "query": _query}
STEPS["reject"] = _reject
# Who may take each step; everybody else is refused with a reason.
MAY = {
    "record": {"supplier", "task_force_supplier", "staff_supplier"},
    "confirm": {"beneficiary"},
    "verify": {"task_force", "staff"},
    "query": {"task_force", "staff"},
    "reject": {"task_force", "staff"},
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_of_an_outcome_is_taken_only_by_the_people_whose_duty_it_is(
    every_kind, in_pair, step, kind
):
    def take(pair):
        try:
            STEPS[step](pair, kind)
        except InvalidTransition as refusal:
            return str(refusal)
        return "done"

    said = in_pair(take)

    if kind in MAY[step]:
        assert said == "done"
    else:
        assert said != "done" and said.endswith("."), said


def test_a_member_of_both_sides_does_not_record_so_the_other_side_confirms_independently(
    every_kind, in_pair
):
    def record(pair):
        match = pair.match()
        set_state(match, State.AGREED)
        with pytest.raises(InvalidTransition, match="also a member of ARCh Oxfordshire"):
            record_delivery(match, pair.user("member_of_both"), _report(), today(), None)
        return match.state, moves.delivery_of(match)

    assert in_pair(record) == ("agreed", None)


def test_the_person_who_recorded_a_delivery_cannot_confirm_it_even_after_changing_sides(
    every_kind, in_pair
):
    def record_move_over_and_confirm(pair):
        match = _delivered(pair, confirmed=False)
        supplier = pair.user("supplier")
        db.session.delete(supplier.membership_in(match.offer.organisation))
        MembershipFactory(user=supplier, organisation=match.seeker.organisation)
        db.session.flush()
        db.session.refresh(supplier)
        with pytest.raises(InvalidTransition, match="You recorded this delivery"):
            confirm_delivery(match, supplier)
        return moves.delivery_of(match).is_confirmed

    assert in_pair(record_move_over_and_confirm) is False


@pytest.mark.parametrize(
    ("who", "says"),
    [
        ("task_force_beneficiary", "You are on the task force, which verifies deliveries"),
        ("staff_beneficiary", "You are on the task force, which verifies deliveries"),
        ("member_of_both", "also a member of the supplier"),
    ],
)
def test_the_confirmer_is_of_neither_the_supplier_nor_the_verifying_side(
    every_kind, in_pair, who, says
):
    def confirm(pair):
        with pytest.raises(InvalidTransition, match=says):
            confirm_delivery(_delivered(pair, confirmed=False), pair.user(who))

    in_pair(confirm)


@pytest.mark.parametrize(
    "who", ["task_force_supplier", "task_force_beneficiary", "staff_supplier", "staff_beneficiary"]
)
def test_nobody_reviews_an_outcome_of_their_own_organisation(every_kind, in_pair, who):
    def verify(pair):
        match = _delivered(pair)
        with pytest.raises(InvalidTransition, match="member of an organisation in this match"):
            review.verify(match, pair.user(who), "", None)
        return match.state

    assert in_pair(verify) == "delivered"


def _total():
    found = impact().total
    return found.pence, dict(found.units), len(found.outcomes)


def _post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client), **data})


def _version(pair) -> int:
    with pair.app.app_context():
        return pair.match().version


def test_a_task_force_member_of_both_sides_cannot_deliver_confirm_and_verify_alone(
    every_kind, in_pair
):
    """Issue 17, finding 2, as the attacker did it: one person in the supplier, the
    beneficiary and the task force records a million hours, confirms and verifies them.
    Refused at each step; with a colleague recording, they still cannot confirm or verify."""
    in_pair(lambda pair: (_priced(pair), set_state(pair.match(), State.AGREED)))
    before = in_pair(lambda pair: _total())
    attacker = log_in(every_kind.app.test_client(), "task_force_of_both@example.org")
    match_id = every_kind.need_match

    recorded = _post(
        attacker,
        f"/matches/{match_id}/delivery",
        version=_version(every_kind),
        measures=["OIEP-S6"],
        **{"measures:OIEP-S6": "1000000"},
        delivered_from=today().isoformat(),
        delivered_to=today().isoformat(),
    )
    in_pair(
        lambda pair: record_delivery(pair.match(), pair.user("supplier"), _report(), today(), None)
    )
    confirmed = _post(
        attacker, f"/matches/{match_id}/confirm", version=_version(every_kind), rating="5"
    )
    reviewed = _post(
        attacker, f"/review/outcomes/{match_id}/verify", version=_version(every_kind), note=""
    )
    moved = _post(
        attacker, f"/matches/{match_id}/move", version=_version(every_kind), target="verified"
    )

    assert recorded.status_code == 409
    assert "another member of the supplier records the delivery" in recorded.text
    assert confirmed.status_code == 409
    assert (
        "You are also a member of the supplier that delivered, so another member of ARCh "
        "Oxfordshire confirms it."
    ) in confirmed.text
    assert reviewed.status_code == 409 and moved.status_code == 409
    assert "another member of the task force reviews" in reviewed.get_data(as_text=True)
    assert in_pair(lambda pair: (pair.match().state, _total())) == ("delivered", before)


def test_the_task_force_member_who_recorded_cannot_verify_what_the_beneficiary_confirmed(
    every_kind, in_pair
):
    def attack(pair):
        _priced(pair)
        match = pair.match()
        set_state(match, State.AGREED)
        before = _total()
        record_delivery(match, pair.user("task_force_supplier"), _report(), today(), None)
        confirm_delivery(match, pair.user("beneficiary"), rating=5)
        for attacker in ("task_force_supplier", "task_force_of_both"):
            with pytest.raises(InvalidTransition, match="member of an organisation in this"):
                review.verify(match, pair.user(attacker), "", None)
        return match.state, _total() == before

    assert in_pair(attack) == ("delivered", True)


def test_an_independent_reviewer_verifies_and_the_public_total_moves_by_the_delivery(
    every_kind, in_pair
):
    def verify(pair):
        _priced(pair)
        before = _total()
        review.verify(_delivered(pair), pair.user("task_force"), "Checked.", None)
        return before, _total()

    before, after = in_pair(verify)

    assert after[0] == (before[0] or 0) + 1_500_000_000 and after[2] == before[2] + 1


def test_the_page_offers_a_conflicted_reviewer_no_review_and_says_why(every_kind, in_pair):
    in_pair(_delivered)
    conflicted = log_in(every_kind.app.test_client(), "task_force_beneficiary@example.org")
    independent = log_in(every_kind.app.test_client(), "task_force@example.org")

    queue = conflicted.get("/review/").get_data(as_text=True)
    page = conflicted.get(f"/matches/{every_kind.need_match}").get_data(as_text=True)

    assert "another member of the task force reviews it" in queue and ">Verify<" not in queue
    assert "Verify the delivery" not in page
    assert "Verify the delivery" in independent.get(f"/matches/{every_kind.need_match}").text


def test_the_confirmation_form_is_offered_only_to_whoever_may_confirm(every_kind, in_pair):
    in_pair(lambda pair: _delivered(pair, confirmed=False))

    def offered(email: str) -> bool:
        client = log_in(every_kind.app.test_client(), email)
        return "Confirm the delivery" in client.get(f"/matches/{every_kind.need_match}").text

    assert offered("beneficiary@example.org")
    assert not offered("task_force_beneficiary@example.org")
    assert not offered("member_of_both@example.org")


def test_after_a_query_a_bare_move_back_to_delivered_is_refused(pair, in_pair):
    """Issue 17, finding 3: the supplier posts the move the page does not offer."""
    in_pair(_delivered)
    task_force = log_in(pair.app.test_client(), "task_force@example.org")
    supplier = log_in(pair.app.test_client(), "supplier@example.org")
    queried = _post(
        task_force,
        f"/matches/{pair.need_match}/move",
        version=_version(pair),
        target="agreed",
        note="Which schools were they?",
    )

    undone = _post(
        supplier, f"/matches/{pair.need_match}/move", version=_version(pair), target="delivered"
    )

    assert queried.status_code == 302 and undone.status_code == 409
    assert "only when the supplier records what was delivered" in undone.get_data(as_text=True)
    with pair.app.app_context():
        delivery = db.session.scalar(select(Delivery))
        assert (pair.match().state, delivery.is_confirmed) == ("agreed", False)


def test_a_query_voids_the_confirmation_and_only_a_new_record_moves_it_on(pair, in_pair):
    def query_then_record(pair):
        match = _delivered(pair)
        review.query(match, pair.user("task_force"), "Which schools?", None)
        voided = moves.delivery_of(match).confirmed_by_id
        with pytest.raises(InvalidTransition, match="records what was delivered"):
            moves.advance(match, State.DELIVERED, pair.user("supplier"))
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        with pytest.raises(InvalidTransition, match="not yet confirmed"):
            review.verify(match, pair.user("task_force"), "", None)
        confirm_delivery(match, pair.user("beneficiary"), rating=4)
        review.verify(match, pair.user("task_force"), "", None)
        return voided, match.state, moves.delivery_of(match).rating

    assert in_pair(query_then_record) == (None, "verified", 4)
