"""A hypothesis state machine drives random moves by random people through the real
workflow services (the pages call the same ones) and checks, after every step, that no
match is in a state the table forbids, that no outcome is verified without a confirmation
by a member of another organisation than the recorder's and the verifier's, and that the
public impact total is the sum of the outcomes verified, and that a dispute comes only
from the receiving side, with its reason.

Each example starts from the same committed world and is rolled back at its end, so the
database never grows; derandomized, a run is the same every time."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.errors import BrokerageError
from brokerage.extensions import db
from brokerage.impact.service import impact
from brokerage.review import service as review
from brokerage.toms.models import Measure
from brokerage.toms.service import add_proxy_value
from brokerage.workflow import moves
from brokerage.workflow.delivery import (
    DeliveryReport,
    confirm_delivery,
    dispute_delivery,
    record_delivery,
)
from brokerage.workflow.models import MatchEvent
from brokerage.workflow.states import DECLINE_REASONS, DISPUTED, FINAL_STATES, MOVES, State
from tests.helpers.workflow import KINDS, Pair, today

PENCE_AN_HOUR = 1_500
MACHINE_SETTINGS = settings(
    max_examples=30,
    stateful_step_count=15,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
people = st.sampled_from(sorted(KINDS))
# The moves made on the match page's move form (the delivered one is never offered).
BARE_MOVES = {
    State.INTEREST_EXPRESSED,
    State.IN_DISCUSSION,
    State.AGREED,
    State.DECLINED,
    State.WITHDRAWN,
    State.DELIVERED,
}


def _leaning_to(*kinds: str) -> st.SearchStrategy[str]:
    """Anybody, but half the time one of these kinds: one who may take the step and the
    nearest attackers, so both allowed and refused steps happen within fifteen moves."""
    return st.one_of(st.sampled_from(kinds), people)


recorders = _leaning_to("supplier", "member_of_both", "task_force_of_both")
confirmers = _leaning_to("beneficiary", "member_of_both", "task_force_beneficiary")
reviewers = _leaning_to("task_force", "staff", "task_force_of_both", "staff_beneficiary")
# How far an example goes before its random moves: agreed by the people whose moves they
# are, then recorded, confirmed and verified by random recorders, confirmers and reviewers
# (each step refused or not, as it would be on the page). Random people rarely walk the six
# steps to a verification within fifteen moves on their own.
AGREEING = [
    (State.INTEREST_EXPRESSED, "beneficiary"),
    (State.IN_DISCUSSION, "supplier"),
    (State.AGREED, "beneficiary"),
]
STARTS = ["verified", "confirmed", "delivered", "agreed", "suggested"]


def _in(state: State) -> Callable[[Workflow], bool]:
    """The delivery's steps are tried where they could happen: refusals by state alone are
    test_moves.py's matrix, and fifteen moves are better spent on who takes them."""
    return lambda machine: machine.pair.match().state == state.value


class Workflow(RuleBasedStateMachine):
    """One match (an offer and a need) and one person of each kind; a step is a person
    trying a move. A refused move changes nothing, as a refused page's rollback does."""

    def __init__(self, pair: Pair) -> None:
        super().__init__()
        self.pair = pair
        self.verified_pence = 0  # the model: what the verified outcomes are worth

    @initialize(
        start=st.sampled_from(STARTS),
        recorder=recorders,
        confirmer=confirmers,
        reviewer=reviewers,
        hours=st.integers(min_value=1, max_value=1_000),
    )
    def head_start(
        self, start: str, recorder: str, confirmer: str, reviewer: str, hours: int
    ) -> None:
        if start != "suggested":
            for target, who in AGREEING:
                moves.advance(self.pair.match(), target, self.pair.user(who))
        steps = STARTS[STARTS.index(start) :]
        if "delivered" in steps:
            self.record_delivery(recorder, hours)
        if "confirmed" in steps:
            self.confirm(confirmer, 4)
        if "verified" in steps:
            self.verify(reviewer)

    def teardown(self) -> None:
        db.session.rollback()

    def _try(self, step: Callable[[], Any]) -> bool:
        try:
            with db.session.begin_nested():
                step()
        except BrokerageError:
            return False
        return True

    def _move(self, target: State, who: str, reason: str) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        self._try(lambda: moves.advance(match, target, actor, reason=reason))

    @rule(
        to=st.sampled_from(sorted(BARE_MOVES)),
        who=people,
        reason=st.sampled_from(sorted(DECLINE_REASONS)),
    )
    def move(self, to: State, who: str, reason: str) -> None:
        """Express interest, discuss, agree, decline, withdraw, or post a move to
        delivered that no page offers."""
        self._move(to, who, reason=reason)

    @precondition(_in(State.AGREED))
    @rule(who=recorders, hours=st.integers(min_value=1, max_value=1_000_000))
    def record_delivery(self, who: str, hours: int) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        report = DeliveryReport(today(), today(), {"OIEP-S6": Decimal(hours)}, "Timesheets")
        self._try(lambda: record_delivery(match, actor, report, today(), None))

    @precondition(_in(State.DELIVERED))
    @rule(who=confirmers, rating=st.none() | st.integers(min_value=1, max_value=5))
    def confirm(self, who: str, rating: int | None) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        self._try(lambda: confirm_delivery(match, actor, rating=rating))

    @precondition(_in(State.DELIVERED))
    @rule(who=confirmers, reason=st.sampled_from(["", "Nobody came on Tuesday."]))
    def dispute(self, who: str, reason: str) -> None:
        """The receiving side sends the delivery back to the supplier, with or without the
        reason it must give."""
        match, actor = self.pair.match(), self.pair.user(who)
        self._try(lambda: dispute_delivery(match, actor, reason, None))

    @precondition(_in(State.DELIVERED))
    @rule(who=people)
    def query(self, who: str) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        self._try(lambda: review.query(match, actor, "Which schools?", None))

    @precondition(_in(State.DELIVERED))
    @rule(who=reviewers)
    def verify(self, who: str) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        delivery = moves.delivery_of(match)
        if self._try(lambda: review.verify(match, actor, "Checked.", None)):
            self.verified_pence += delivery.value_pence or 0

    @precondition(_in(State.DELIVERED))
    @rule(who=people)
    def reject(self, who: str) -> None:
        match, actor = self.pair.match(), self.pair.user(who)
        self._try(lambda: review.reject(match, actor, "No register.", None))

    @invariant()
    def no_forbidden_state(self) -> None:
        match = self.pair.match()
        events = db.session.scalars(
            select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id)
        ).all()
        state = State.SUGGESTED
        for event in events:
            assert State(event.from_state) == state, "the history skips a step"
            assert (state, State(event.to_state)) in MOVES, f"{state} -> {event.to_state}"
            state = State(event.to_state)
        assert State(match.state) == state
        delivery = moves.delivery_of(match)
        if state in {State.DELIVERED, State.VERIFIED}:
            assert delivery is not None and delivery.lines
        if state in FINAL_STATES - {State.VERIFIED}:
            assert not any(e.to_state == State.VERIFIED for e in events)

    @invariant()
    def verified_only_with_a_confirmation_by_another_organisation(self) -> None:
        match = self.pair.match()
        if match.state != State.VERIFIED:
            return
        provider, seeker = moves.sides(match)
        delivery = moves.delivery_of(match)
        verifier = db.session.scalars(
            select(User)
            .join(MatchEvent, MatchEvent.actor_id == User.id)
            .where(MatchEvent.match_id == match.id, MatchEvent.to_state == State.VERIFIED)
        ).one()
        recorder, confirmer = delivery.recorded_by, delivery.confirmed_by
        assert delivery.is_confirmed and confirmer is not None and recorder is not None
        assert len({recorder.id, confirmer.id, verifier.id}) == 3
        # The confirmer's organisation is the receiving side: neither the recorder nor the
        # verifier belongs to it, and the confirmer is on neither their sides.
        assert confirmer.membership_in(seeker) is not None
        assert recorder.membership_in(seeker) is None and verifier.membership_in(seeker) is None
        assert (
            confirmer.membership_in(provider) is None and verifier.membership_in(provider) is None
        )
        assert not (confirmer.is_task_force or confirmer.is_staff)

    @invariant()
    def a_dispute_comes_with_its_reason_from_the_receiving_side_alone(self) -> None:
        match = self.pair.match()
        provider, seeker = moves.sides(match)
        disputes = db.session.scalars(
            select(MatchEvent).where(MatchEvent.match_id == match.id, MatchEvent.reason == DISPUTED)
        ).all()
        for event in disputes:
            assert (event.from_state, event.to_state) == (State.DELIVERED, State.AGREED)
            assert event.note.strip(), "a dispute without its reason"
            actor = event.actor
            assert actor.membership_in(seeker) is not None
            assert actor.membership_in(provider) is None
            assert not (actor.is_task_force or actor.is_staff)

    @invariant()
    def the_public_total_is_the_sum_of_the_verified_outcomes(self) -> None:
        total = impact().total
        assert (total.pence or 0) == self.verified_pence
        assert len(total.outcomes) == (self.pair.match().state == State.VERIFIED)


def test_random_moves_by_random_people_keep_the_workflow_honest(every_kind: Pair) -> None:
    with every_kind.app.app_context():
        measure = db.session.scalars(select(Measure).where(Measure.code == "OIEP-S6")).first()
        add_proxy_value(measure, PENCE_AN_HOUR, "Test table", every_kind.user("staff"))
        db.session.commit()
        run_state_machine_as_test(lambda: Workflow(every_kind), settings=MACHINE_SETTINGS)
