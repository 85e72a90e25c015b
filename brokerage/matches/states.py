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


class State(enum.StrEnum):
    SUGGESTED = "suggested"
    INTEREST_EXPRESSED = "interest_expressed"
    IN_DISCUSSION = "in_discussion"
    AGREED = "agreed"
    DELIVERED = "delivered"
    VERIFIED = "verified"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Role(enum.StrEnum):
    """Who is acting, as far as the workflow cares."""

    PARTY = "party"  # a member of either side's organisation
    PROVIDER = "provider"  # a member of the side that delivers (the supplier or offer side)
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
    # A query sends the delivery back to the provider with a question.
    (_S.DELIVERED, _S.AGREED): frozenset({_R.TASK_FORCE}),
    (_S.DELIVERED, _S.DECLINED): frozenset({_R.TASK_FORCE}),
}
# Moves made only by recording a delivery (`delivery.record_delivery`), never by a bare move:
# after a task-force query a bare move would bring back the old record and its confirmation.
BY_RECORDING_ONLY = frozenset({(_S.AGREED, _S.DELIVERED)})
# The task force's answers to a delivery: verify, query, reject.
REVIEWS = frozenset(move for move, roles in MOVES.items() if roles == {_R.TASK_FORCE})
FINAL_STATES = frozenset({_S.VERIFIED, _S.DECLINED, _S.WITHDRAWN, _S.EXPIRED})
NEEDS_REASON = frozenset({_S.DECLINED})


def moves_from(state: State, roles: Iterable[Role]) -> list[State]:
    """The states these roles may move a match to from `state`, in workflow order."""
    held = set(roles)
    return [to for (frm, to), allowed in MOVES.items() if frm == state and allowed & held]


def check_move(
    current: State,
    target: State,
    roles: Iterable[Role],
    reason: str | None = None,
    *,
    recording: bool = False,
) -> None:
    """Raise InvalidTransition, with a message a person understands, unless the move is
    allowed; `recording` says the move is made by recording a delivery."""
    allowed = MOVES.get((current, target))
    if allowed is None:
        if current in FINAL_STATES:
            raise InvalidTransition(f"This match is {current.label}; it cannot change any more.")
        raise InvalidTransition(f"A match that is {current.label} cannot become {target.label}.")
    if not allowed & set(roles):
        raise InvalidTransition(
            f"You may not move this match from {current.label} to {target.label}."
        )
    if (current, target) in BY_RECORDING_ONLY and not recording:
        raise InvalidTransition(
            f"A match becomes {target.label} only when the supplier records what was "
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


def check_confirmer(person: Person, steps: Steps, seeker_name: str) -> None:
    """The confirmer is a member of the receiving organisation, did not record the delivery,
    and is on neither the providing side nor the verifying side (task force, staff)."""
    if not person.seeker:
        raise DutiesNotSeparated("Only the buyer or beneficiary confirms a delivery.")
    if person.id == steps.recorded_by:
        raise DutiesNotSeparated(
            f"You recorded this delivery, so another member of {seeker_name} confirms it."
        )
    if person.provider:
        raise DutiesNotSeparated(
            "You are also a member of the supplier that delivered, so another member of "
            f"{seeker_name} confirms it."
        )
    if person.reviewer:
        raise DutiesNotSeparated(
            "You are on the task force, which verifies deliveries, so another member of "
            f"{seeker_name} confirms it."
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
