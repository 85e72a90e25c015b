"""The workflow's rules, checked move by move and by a state machine that wanders through them."""

from __future__ import annotations

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from brokerage.workflow.states import (
    BY_RECORDING_ONLY,
    DECLINE_REASONS,
    FINAL_STATES,
    MOVES,
    InvalidTransition,
    Person,
    Role,
    State,
    Steps,
    check_confirmer,
    check_move,
    check_recorder,
    check_reviewer,
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
    with pytest.raises(
        InvalidTransition, match="A match that is “Suggested” cannot become “Agreed”"
    ):
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


def _passes(check, *args) -> bool:
    try:
        check(*args)
    except InvalidTransition as refusal:
        assert str(refusal).endswith(".")
        return False
    return True


# Every person as the duty rules see them: on the providing side or not, on the receiving
# side or not, on the task force (or staff) or not; and whether they took an earlier step.
EVERYONE = [
    Person(id=1, provider=p, seeker=s, reviewer=r) for p in (0, 1) for s in (0, 1) for r in (0, 1)
]


@pytest.mark.parametrize("person", EVERYONE)
def test_the_duty_rules_give_each_step_to_its_own_side_only(person):
    took_no_step, recorded, confirmed = Steps(2, 3), Steps(1), Steps(2, 1)

    assert _passes(check_recorder, person, "ARCh") == (person.provider and not person.seeker)
    assert _passes(check_confirmer, person, took_no_step, "ARCh") == (
        person.seeker and not person.provider and not person.reviewer
    )
    assert not _passes(check_confirmer, person, recorded, "ARCh")
    assert _passes(check_reviewer, person, took_no_step) == (
        not person.provider and not person.seeker
    )
    assert not _passes(check_reviewer, person, recorded)
    assert not _passes(check_reviewer, person, confirmed)


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
        recording=st.booleans(),
    )
    def attempt(self, to_state, roles, reason, recording):
        # A bare move: the receiving side's role counts only when it disputes a delivery.
        allowed = MOVES.get((self.state, to_state), frozenset()) & (roles - {Role.SEEKER})
        needs_reason = to_state == State.DECLINED and reason not in DECLINE_REASONS
        needs_record = (self.state, to_state) in BY_RECORDING_ONLY and not recording
        try:
            check_move(self.state, to_state, roles, reason, recording=recording)
        except InvalidTransition:
            assert not allowed or needs_reason or needs_record
            return
        assert allowed and not needs_reason and not needs_record
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
