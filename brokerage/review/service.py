"""The task force's queue: delivered outcomes waiting for verification, each with its
evidence, whether the other side confirmed it, and any verified claim it may double count;
and the three answers the task force gives (verify, query, reject), all through `advance`.
Functions flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..matches.models import Match
from ..matches.outcome_models import Delivery, MatchEvent
from ..matches.states import InvalidTransition, State
from ..matches.workflow import advance

RECENT_VERIFIED = 20


@dataclass(frozen=True)
class Outcome:
    """A delivered (or verified) match with its delivery, and verified claims it overlaps."""

    match: Match
    delivery: Delivery
    overlaps: list[Delivery]

    @property
    def confirmed(self) -> bool:
        return self.delivery.is_confirmed


def _deliveries_in(state: State) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .join(Match)
            .where(Match.state == state.value)
            .options(selectinload(Delivery.lines), selectinload(Delivery.match))
            .order_by(Delivery.recorded_at, Delivery.id)
        )
    )


def overlaps(delivery: Delivery, verified: list[Delivery]) -> list[Delivery]:
    """Verified deliveries by the same providing organisation, for a measure in common, whose
    dates overlap this one's: the same activity may be claimed twice."""
    codes = {line.measure_code for line in delivery.lines}
    provider = delivery.match.offer.organisation_id
    return [
        other
        for other in verified
        if other.id != delivery.id
        and other.match.offer.organisation_id == provider
        and codes & {line.measure_code for line in other.lines}
        and other.delivered_from <= delivery.delivered_to
        and delivery.delivered_from <= other.delivered_to
    ]


def awaiting_verification() -> list[Outcome]:
    """The queue, oldest delivery first."""
    verified = _deliveries_in(State.VERIFIED)
    return [Outcome(d.match, d, overlaps(d, verified)) for d in _deliveries_in(State.DELIVERED)]


def recently_verified() -> list[Outcome]:
    verified = _deliveries_in(State.VERIFIED)
    return [Outcome(d.match, d, []) for d in reversed(verified[-RECENT_VERIFIED:])]


def verify(match: Match, actor: User, note: str, seen_version: int | None) -> MatchEvent:
    return advance(match, State.VERIFIED, actor, note=note, seen_version=seen_version)


def query(match: Match, actor: User, question: str, seen_version: int | None) -> MatchEvent:
    """Send the delivery back (to agreed) with a question the providing side answers by
    recording the delivery again."""
    if not question.strip():
        raise InvalidTransition("Write the question the providing side should answer.")
    return advance(match, State.AGREED, actor, note=question, seen_version=seen_version)


def reject(match: Match, actor: User, note: str, seen_version: int | None) -> MatchEvent:
    return advance(
        match,
        State.DECLINED,
        actor,
        reason="evidence_rejected",
        note=note,
        seen_version=seen_version,
    )
