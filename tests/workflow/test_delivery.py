"""Recording a delivery, the other side confirming it, the task force verifying, querying
or rejecting it, and its value in £ from the proxy value in force."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from brokerage.extensions import db
from brokerage.toms.models import Measure
from brokerage.toms.service import add_proxy_value
from brokerage.types import utcnow
from brokerage.workflow import moves
from brokerage.workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from brokerage.workflow.models import Delivery
from brokerage.workflow.states import InvalidTransition, State
from tests.helpers.workflow import set_state, today


def _report(**changes) -> DeliveryReport:
    values = {
        "delivered_from": today(),
        "delivered_to": today(),
        "quantities": {"OIEP-S1": Decimal(12), "OIEP-S6": Decimal("40.5")},
        "evidence": "Timesheets from six schools.",
    }
    return DeliveryReport(**{**values, **changes})


def _agreed(pair):
    match = pair.match()
    set_state(match, State.AGREED)
    return match


def _price(code: str, pence: int, pair) -> None:
    """A proxy value staff record for the test (the shipped rows have none)."""
    measure = db.session.scalars(select(Measure).where(Measure.code == code)).first()
    add_proxy_value(measure, pence, "Test table", pair.user("staff"))


def test_the_supplier_records_a_delivery_valued_at_the_proxy_values_in_force(in_pair):
    def deliver(pair):
        _price("OIEP-S6", 1_500, pair)  # £15.00 an hour
        match = _agreed(pair)
        delivery = record_delivery(match, pair.user("supplier"), _report(), today(), match.version)
        lines = {line.measure_code: (line.quantity, line.value_pence) for line in delivery.lines}
        return match.state, lines, delivery.value_pence

    state, lines, total = in_pair(deliver)

    assert state == "delivered"
    assert lines == {"OIEP-S1": (Decimal(12), None), "OIEP-S6": (Decimal("40.5"), 60_750)}
    assert total == 60_750  # the measure without a proxy value counts in units only


def test_without_any_proxy_value_a_delivery_has_no_value_in_pounds(in_pair):
    def deliver(pair):
        match = _agreed(pair)
        return record_delivery(match, pair.user("supplier"), _report(), today(), None).value_pence

    assert in_pair(deliver) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"quantities": {}}, "at least one measure"),
        ({"quantities": {"OIEP-S1": Decimal(-3)}}, "more than 0"),
        ({"quantities": {"OIEP-S1": Decimal(0)}}, "more than 0"),
        ({"quantities": {"OIEP-S1": Decimal("1e9")}}, "at most"),
        ({"quantities": {"NOPE-1": Decimal(1)}}, "Not measures in the catalogue"),
        ({"delivered_from": -400}, "from when the match was made"),
        ({"delivered_to": 1}, "today at the latest"),
        ({"delivered_from": 0, "delivered_to": -1}, "end before"),
        ({"evidence": "x" * 2001}, "under 2000"),
    ],
)
def test_a_bad_delivery_is_refused_and_nothing_changes(in_pair, changes, message):
    dates = {  # days from today, turned into dates when run, not when collected
        key: today() + timedelta(days=changes[key])
        for key in ("delivered_from", "delivered_to")
        if key in changes
    }
    changes = {**changes, **dates}

    def deliver(pair):
        match = _agreed(pair)
        with pytest.raises(InvalidTransition, match=message):
            record_delivery(match, pair.user("supplier"), _report(**changes), today(), None)
        return match.state, moves.delivery_of(match)

    assert in_pair(deliver) == ("agreed", None)


@pytest.mark.parametrize("person", ["beneficiary", "task_force", "staff", "outsider"])
def test_only_the_providing_side_records_a_delivery(in_pair, person):
    def deliver(pair):
        match = _agreed(pair)
        with pytest.raises(InvalidTransition, match="side that delivers"):
            record_delivery(match, pair.user(person), _report(), today(), None)
        return match.state

    assert in_pair(deliver) == "agreed"


def test_verifying_waits_for_the_beneficiary_to_confirm(in_pair):
    def verify(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        with pytest.raises(InvalidTransition, match="not yet confirmed"):
            moves.advance(match, State.VERIFIED, pair.user("task_force"))
        confirm_delivery(match, pair.user("beneficiary"), rating=5, note="Brilliant readers.")
        moves.advance(match, State.VERIFIED, pair.user("task_force"))
        return match.state

    assert in_pair(verify) == "verified"


@pytest.mark.parametrize("person", ["supplier", "task_force", "outsider"])
def test_only_the_receiving_side_confirms(in_pair, person):
    def confirm(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        with pytest.raises(InvalidTransition, match="confirms a delivery"):
            confirm_delivery(match, pair.user(person))
        return moves.delivery_of(match).is_confirmed

    assert in_pair(confirm) is False


def test_the_buyer_confirms_for_an_opportunity(in_pair):
    def confirm(pair):
        match = pair.match("opportunity")
        set_state(match, State.AGREED)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        return confirm_delivery(match, pair.user("buyer")).is_confirmed

    assert in_pair(confirm) is True


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_is_from_one_to_five(in_pair, rating):
    def confirm(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        with pytest.raises(InvalidTransition, match="1 to 5"):
            confirm_delivery(match, pair.user("beneficiary"), rating=rating)

    in_pair(confirm)


def test_a_query_sends_it_back_and_a_corrected_delivery_must_be_confirmed_again(in_pair):
    def query_then_correct(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        confirm_delivery(match, pair.user("beneficiary"))
        moves.advance(match, State.AGREED, pair.user("task_force"), note="Which schools were they?")
        corrected = _report(quantities={"OIEP-S1": Decimal(10)})
        delivery = record_delivery(match, pair.user("supplier"), corrected, today(), None)
        return match.state, [line.measure_code for line in delivery.lines], delivery.is_confirmed

    assert in_pair(query_then_correct) == ("delivered", ["OIEP-S1"], False)


def test_the_task_force_rejects_a_delivery_with_a_reason(in_pair):
    def reject(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        moves.advance(match, State.DECLINED, pair.user("task_force"), reason="evidence_rejected")
        return match.state

    assert in_pair(reject) == "declined"


def test_a_delivery_is_confirmed_once(in_pair):
    def confirm_twice(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        confirm_delivery(match, pair.user("beneficiary"), rating=5)
        with pytest.raises(InvalidTransition, match="already confirmed"):
            confirm_delivery(match, pair.user("beneficiary"), rating=1)
        return moves.delivery_of(match).rating

    assert in_pair(confirm_twice) == 5


def test_of_two_confirmations_sent_at_once_the_second_is_refused_not_overwriting(in_pair):
    """Two tabs (or two colleagues) confirm the same delivery: the one whose session read
    the delivery before the other's confirmation landed is refused, and the first rating
    stays. The other session's confirmation is written behind this session's back."""

    def confirm_twice(pair):
        match = _agreed(pair)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
        seen = moves.delivery_of(match)
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == seen.id)
            .values(confirmed_by_id=pair.users["beneficiary"], confirmed_at=utcnow(), rating=5)
            .execution_options(synchronize_session=False)
        )
        assert not seen.is_confirmed  # this session still sees it waiting
        with pytest.raises(InvalidTransition, match="already confirmed"):
            confirm_delivery(match, pair.user("beneficiary"), rating=1, note="Late tab")
        stored = db.session.execute(select(Delivery.rating, Delivery.confirmation_note)).one()
        return tuple(stored)

    assert in_pair(confirm_twice) == (5, "")
