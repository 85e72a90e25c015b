"""The match workflow as data: its states, the moves between them, and who may make each.

A match is suggested by the engine; either side expresses interest, they discuss, agree,
the providing side records delivery, and the task force verifies it (or queries it back,
or rejects it). Either side may decline or withdraw before delivery; the system expires
matches nobody acts on. `check_move` is the only judge of a move; `check_recorder`,
`check_confirmer` and `check_reviewer` keep the three steps of an outcome (record, confirm,
verify) in three hands of three organisations (the supplier, the receiving side, the task
force), so nobody can vouch for their own social value.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import BrokerageError
from ..matches.models import ENDED_WITHOUT_HELP, SaidInWords, State


class Stage(SaidInWords):
    """Where a match stands, in the words every list shows and filters by: its state, with
    a delivery told apart once the receiving side confirmed it, and an agreed match told
    apart when the receiving side disputed its delivery (the supplier is to record it again)."""

    SUGGESTED = "suggested"
    INTEREST_EXPRESSED = "interest_expressed"
    IN_DISCUSSION = "in_discussion"
    AGREED = "agreed"
    DISPUTED = "disputed"
    DELIVERED = "delivered"
    CONFIRMED = "confirmed"
    VERIFIED = "verified"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


def stage_of(state: State, confirmed: bool = False, last_reason: str | None = None) -> Stage:
    """The stage of a match in `state`, whose delivery is `confirmed` or not and whose last
    move gave `last_reason`."""
    if state == State.DELIVERED and confirmed:
        return Stage.CONFIRMED
    if state == State.AGREED and last_reason == DISPUTED:
        return Stage.DISPUTED
    return Stage(state.value)


class Role(enum.StrEnum):
    """Who is acting, as far as the workflow cares."""

    PARTY = "party"  # a member of either side's organisation
    PROVIDER = "provider"  # a member of the side that delivers (the supplier or offer side)
    SEEKER = "seeker"  # a member of the receiving side (the buyer or beneficiary)
    TASK_FORCE = "task_force"
    SYSTEM = "system"


class InvalidTransition(BrokerageError):
    status_code = 409


DECLINE_REASONS = {
    "not_relevant": "Not relevant to what we need or offer",
    "too_far": "Too far away",
    "no_capacity": "No capacity at the moment",
    "timing": "The dates do not work",
    "found_elsewhere": "Already arranged elsewhere",
    "evidence_rejected": "Delivery evidence rejected by the task force",
    "other": "Another reason (see the note)",
}
# The reason a move's history gives when the receiving side disputes a delivery.
DISPUTED = "disputed"
EVENT_REASONS = {**DECLINE_REASONS, DISPUTED: "The delivery is disputed"}

_S, _R = State, Role
# (from, to) -> the roles that may make that move.
MOVES: dict[tuple[State, State], frozenset[Role]] = {
    (_S.SUGGESTED, _S.INTEREST_EXPRESSED): frozenset({_R.PARTY}),
    (_S.SUGGESTED, _S.DECLINED): frozenset({_R.PARTY}),
    (_S.SUGGESTED, _S.EXPIRED): frozenset({_R.SYSTEM}),
    (_S.INTEREST_EXPRESSED, _S.IN_DISCUSSION): frozenset({_R.PARTY}),
    (_S.INTEREST_EXPRESSED, _S.DECLINED): frozenset({_R.PARTY}),
    (_S.INTEREST_EXPRESSED, _S.WITHDRAWN): frozenset({_R.PARTY}),
    (_S.INTEREST_EXPRESSED, _S.EXPIRED): frozenset({_R.SYSTEM}),
    (_S.IN_DISCUSSION, _S.AGREED): frozenset({_R.PARTY}),
    (_S.IN_DISCUSSION, _S.DECLINED): frozenset({_R.PARTY}),
    (_S.IN_DISCUSSION, _S.WITHDRAWN): frozenset({_R.PARTY}),
    (_S.IN_DISCUSSION, _S.EXPIRED): frozenset({_R.SYSTEM}),
    (_S.AGREED, _S.DELIVERED): frozenset({_R.PROVIDER}),
    (_S.AGREED, _S.WITHDRAWN): frozenset({_R.PARTY}),
    (_S.DELIVERED, _S.VERIFIED): frozenset({_R.TASK_FORCE}),
    # Back to the provider: the task force's query (a question), or the receiving side's
    # dispute (what is wrong), which the provider answers by recording the delivery again.
    (_S.DELIVERED, _S.AGREED): frozenset({_R.TASK_FORCE, _R.SEEKER}),
    (_S.DELIVERED, _S.DECLINED): frozenset({_R.TASK_FORCE}),
}
# Moves made only by recording a delivery (`delivery.record_delivery`), never by a bare move:
# after a task-force query a bare move would bring back the old record and its confirmation.
BY_RECORDING_ONLY = frozenset({(_S.AGREED, _S.DELIVERED)})
# The receiving side's move, made only by disputing the delivery with a reason
# (`delivery.dispute_delivery`); its role counts for nothing else.
DISPUTE = (_S.DELIVERED, _S.AGREED)
# The task force's answers to a delivery: verify, query, reject.
REVIEWS = frozenset(move for move, roles in MOVES.items() if _R.TASK_FORCE in roles)
FINAL_STATES = ENDED_WITHOUT_HELP | {_S.VERIFIED}
NEEDS_REASON = frozenset({_S.DECLINED})


def moves_from(state: State, roles: Iterable[Role]) -> list[State]:
    """The states these roles may move a match to with a bare move from `state`, in
    workflow order (the receiving side's dispute has its own form)."""
    held = set(roles) - {_R.SEEKER}
    return [to for (frm, to), allowed in MOVES.items() if frm == state and allowed & held]


def check_move(
    current: State,
    target: State,
    roles: Iterable[Role],
    reason: str | None = None,
    *,
    recording: bool = False,
    disputing: bool = False,
) -> None:
    """Raise InvalidTransition, with a message a person understands, unless the move is
    allowed; `recording` says the move is made by recording a delivery, `disputing` by
    disputing one (then only the receiving side's role counts)."""
    given = set(roles)
    held = given & {_R.SEEKER} if disputing else given - {_R.SEEKER}
    if disputing and (current, target) != DISPUTE:
        raise InvalidTransition("Only a delivery waiting for confirmation can be disputed.")
    if disputing and not held:
        raise InvalidTransition("Only the buyer or beneficiary disputes a delivery.")
    allowed = MOVES.get((current, target))
    if allowed is None:
        if current in FINAL_STATES:
            raise InvalidTransition(f"This match is “{current.label}”; it cannot change any more.")
        raise InvalidTransition(
            f"A match that is “{current.label}” cannot become “{target.label}”."
        )
    if not allowed & held:
        if (current, target) == DISPUTE and _R.SEEKER in given:
            raise InvalidTransition("To send the delivery back, dispute it and say why.")
        raise InvalidTransition(
            f"You may not move this match from “{current.label}” to “{target.label}”."
        )
    if (current, target) in BY_RECORDING_ONLY and not recording:
        raise InvalidTransition(
            f"A match becomes “{target.label}” only when the supplier records what was "
            "delivered, with the delivery form."
        )
    if target in NEEDS_REASON and reason not in DECLINE_REASONS:
        raise InvalidTransition("Choose a reason for declining from the list.")


class DutiesNotSeparated(InvalidTransition):
    """One person (or one organisation) would vouch for its own outcome."""


@dataclass(frozen=True)
class Person:
    """What the separation of duties needs to know of a person, for one match."""

    id: int
    provider: bool  # a member of the providing side (the supplier)
    seeker: bool  # a member of the receiving side (the buyer or beneficiary)
    reviewer: bool  # on the task force or staff: the side that verifies


@dataclass(frozen=True)
class Steps:
    """Who recorded a delivery and who confirmed it (None: nobody yet, or a deleted account)."""

    recorded_by: int | None
    confirmed_by: int | None = None


def check_recorder(person: Person, seeker_name: str) -> None:
    """The recorder belongs to the providing side only: a member of both organisations would
    make the receiving side's confirmation come from their own organisation."""
    if not person.provider:
        raise DutiesNotSeparated("Only the side that delivers records the delivery.")
    if person.seeker:
        raise DutiesNotSeparated(
            f"You are also a member of {seeker_name}, which received the help, so another "
            "member of the supplier records the delivery."
        )


def check_confirmer(person: Person, steps: Steps, seeker_name: str, verb: str = "confirms") -> None:
    """The confirmer is a member of the receiving organisation, did not record the delivery,
    and is on neither the providing side nor the verifying side (task force, staff). The
    same person answers for the receiving side when it disputes a delivery (`verb`)."""
    if not person.seeker:
        raise DutiesNotSeparated(f"Only the buyer or beneficiary {verb} a delivery.")
    if person.id == steps.recorded_by:
        raise DutiesNotSeparated(
            f"You recorded this delivery, so another member of {seeker_name} {verb} it."
        )
    if person.provider:
        raise DutiesNotSeparated(
            "You are also a member of the supplier that delivered, so another member of "
            f"{seeker_name} {verb} it."
        )
    if person.reviewer:
        raise DutiesNotSeparated(
            "You are on the task force, which verifies deliveries, so another member of "
            f"{seeker_name} {verb} it."
        )


def check_reviewer(person: Person, steps: Steps) -> None:
    """A delivery is verified, queried or rejected by the task force or staff who belong to
    neither organisation of the match and took no earlier step of it."""
    if person.provider or person.seeker:
        raise DutiesNotSeparated(
            "You are a member of an organisation in this match, so another member of the "
            "task force reviews its delivery."
        )
    if person.id in (steps.recorded_by, steps.confirmed_by):
        raise DutiesNotSeparated(
            "You recorded or confirmed this delivery, so another member of the task force "
            "reviews it."
        )
