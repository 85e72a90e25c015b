"""The match workflow as data: its states, the moves between them, and who may make each.

A match is suggested by the engine; either side expresses interest, they discuss, agree,
the providing side records delivery, and the task force verifies it (or queries it back,
or rejects it). Either side may decline or withdraw before delivery; the system expires
matches nobody acts on. `check_move` is the only judge of a move.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

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
FINAL_STATES = frozenset({_S.VERIFIED, _S.DECLINED, _S.WITHDRAWN, _S.EXPIRED})
NEEDS_REASON = frozenset({_S.DECLINED})


def moves_from(state: State, roles: Iterable[Role]) -> list[State]:
    """The states these roles may move a match to from `state`, in workflow order."""
    held = set(roles)
    return [to for (frm, to), allowed in MOVES.items() if frm == state and allowed & held]


def check_move(
    current: State, target: State, roles: Iterable[Role], reason: str | None = None
) -> None:
    """Raise InvalidTransition, with a message a person understands, unless the move is allowed."""
    allowed = MOVES.get((current, target))
    if allowed is None:
        if current in FINAL_STATES:
            raise InvalidTransition(f"This match is {current.label}; it cannot change any more.")
        raise InvalidTransition(f"A match that is {current.label} cannot become {target.label}.")
    if not allowed & set(roles):
        raise InvalidTransition(
            f"You may not move this match from {current.label} to {target.label}."
        )
    if target in NEEDS_REASON and reason not in DECLINE_REASONS:
        raise InvalidTransition("Choose a reason for declining from the list.")
