"""The workflow's rules, checked move by move and by a state machine that wanders through them."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from brokerage.matches.states import (
    DECLINE_REASONS,
    FINAL_STATES,
    MOVES,
    InvalidTransition,
    Role,
    State,
    check_move,
    moves_from,
)

ALL_ROLES = list(Role)


def test_the_happy_path_runs_from_suggestion_to_verification():
    path = [
        (State.SUGGESTED, State.INTEREST_EXPRESSED, Role.PARTY),
        (State.INTEREST_EXPRESSED, State.IN_DISCUSSION, Role.PARTY),
        (State.IN_DISCUSSION, State.AGREED, Role.PARTY),
        (State.AGREED, State.DELIVERED, Role.PROVIDER),
        (State.DELIVERED, State.VERIFIED, Role.TASK_FORCE),
    ]
    for current, target, role in path:
        check_move(current, target, [role], recording=target == State.DELIVERED)


def test_a_match_becomes_delivered_only_by_recording_a_delivery():
    with pytest.raises(InvalidTransition, match="only when the supplier records"):
        check_move(State.AGREED, State.DELIVERED, [Role.PROVIDER])


def test_only_the_providing_side_records_delivery():
    with pytest.raises(InvalidTransition, match="You may not move this match"):
        check_move(State.AGREED, State.DELIVERED, [Role.PARTY])


def test_only_the_task_force_verifies_and_it_may_query_a_delivery_back():
    with pytest.raises(InvalidTransition):
        check_move(State.DELIVERED, State.VERIFIED, [Role.PARTY, Role.PROVIDER])
    check_move(State.DELIVERED, State.AGREED, [Role.TASK_FORCE])


def test_skipping_a_step_is_refused_with_a_clear_message():
    with pytest.raises(InvalidTransition, match="A match that is suggested cannot become agreed"):
        check_move(State.SUGGESTED, State.AGREED, ALL_ROLES)


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_a_finished_match_cannot_change(final):
    for target in State:
        with pytest.raises(InvalidTransition, match="cannot change any more"):
            check_move(final, target, ALL_ROLES, reason="other")


def test_declining_needs_a_reason_from_the_list():
    with pytest.raises(InvalidTransition, match="reason"):
        check_move(State.SUGGESTED, State.DECLINED, [Role.PARTY], reason="because")
    check_move(State.SUGGESTED, State.DECLINED, [Role.PARTY], reason="too_far")


def test_only_the_system_expires_matches():
    with pytest.raises(InvalidTransition):
        check_move(State.SUGGESTED, State.EXPIRED, [Role.PARTY, Role.TASK_FORCE])


class Workflow(RuleBasedStateMachine):
    """Random sequences of attempted moves by random roles: the rules always hold."""

    def __init__(self) -> None:
        super().__init__()
        self.state = State.SUGGESTED
        self.history = [State.SUGGESTED]

    @rule(
        to_state=st.sampled_from(list(State)),
        roles=st.sets(st.sampled_from(ALL_ROLES)),
        reason=st.sampled_from([None, "other", "nonsense"]),
    )
    def attempt(self, to_state, roles, reason):
        allowed = MOVES.get((self.state, to_state), frozenset()) & roles
        needs_reason = to_state == State.DECLINED and reason not in DECLINE_REASONS
        try:
            check_move(self.state, to_state, roles, reason)
        except InvalidTransition:
            assert not allowed or needs_reason
            return
        assert allowed and not needs_reason
        assert to_state in moves_from(self.state, roles)
        self.state = to_state
        self.history.append(to_state)

    @precondition(lambda self: self.state in FINAL_STATES)
    @rule()
    def finished_matches_offer_no_moves(self):
        assert moves_from(self.state, ALL_ROLES) == []

    @invariant()
    def verified_only_after_delivery(self):
        if State.VERIFIED in self.history:
            assert self.history[self.history.index(State.VERIFIED) - 1] == State.DELIVERED


TestWorkflow = Workflow.TestCase
