"""The task force's queue: delivered outcomes waiting for verification, each with its
evidence, who recorded and who confirmed it (and, once verified, who verified it), and any
verified claim it may double count;
and the three answers the task force gives (verify, query, reject), all through `advance`.
Functions flush; the caller commits."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..matches.models import Match
from ..workflow.models import Delivery, MatchEvent
from ..workflow.moves import advance
from ..workflow.states import DISPUTED, InvalidTransition, State

RECENT_VERIFIED = 20


@dataclass(frozen=True)
class Outcome:
    """A delivered (or verified) match with its delivery, and verified claims it overlaps."""

    match: Match
    delivery: Delivery
    overlaps: list[Delivery]
    verification: MatchEvent | None = None
    # The receiving side's earlier disputes of this delivery, oldest first.
    disputes: tuple[MatchEvent, ...] = ()

    @property
    def confirmed(self) -> bool:
        return self.delivery.is_confirmed

    @property
    def recorded_by(self) -> str:
        """The person who recorded the delivery and the side they recorded it for."""
        return _who(self.delivery.recorded_by, self.match.offer.organisation.name)

    @property
    def confirmed_by(self) -> str:
        return _who(self.delivery.confirmed_by, self.match.seeker.organisation.name)

    @property
    def verified_by(self) -> str:
        event = self.verification
        if event is None:
            return ""
        if event.actor is None:
            return "a former member of the task force"
        side = "partnership staff" if event.actor.is_staff else "the task force"
        return f"{event.actor.name} of {side}"


def _who(person: User | None, organisation: str) -> str:
    """Only a member of the providing side records, only one of the receiving side confirms:
    the organisation is the side they acted for."""
    return f"{person.name if person else 'a former member'} of {organisation}"


def _deliveries_in(state: State) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .join(Match)
            .where(Match.state == state.value)
            .options(
                selectinload(Delivery.lines),
                selectinload(Delivery.evidence_files),
                selectinload(Delivery.match),
                selectinload(Delivery.recorded_by),
                selectinload(Delivery.confirmed_by),
            )
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


def _disputes_of(deliveries: list[Delivery]) -> dict[int, tuple[MatchEvent, ...]]:
    """Each match's disputes, oldest first, in one query."""
    events = db.session.scalars(
        select(MatchEvent)
        .where(
            MatchEvent.reason == DISPUTED,
            MatchEvent.match_id.in_([d.match_id for d in deliveries]),
        )
        .options(selectinload(MatchEvent.actor))
        .order_by(MatchEvent.id)
    )
    found: dict[int, tuple[MatchEvent, ...]] = {}
    for event in events:
        found[event.match_id] = (*found.get(event.match_id, ()), event)
    return found


def awaiting_verification() -> list[Outcome]:
    """The queue, oldest delivery first, each with the disputes it answered."""
    verified = _deliveries_in(State.VERIFIED)
    waiting = _deliveries_in(State.DELIVERED)
    disputes = _disputes_of(waiting)
    return [
        Outcome(d.match, d, overlaps(d, verified), disputes=disputes.get(d.match_id, ()))
        for d in waiting
    ]


def recently_verified() -> list[Outcome]:
    shown = list(reversed(_deliveries_in(State.VERIFIED)[-RECENT_VERIFIED:]))
    events = db.session.scalars(
        select(MatchEvent)
        .where(
            MatchEvent.to_state == State.VERIFIED.value,
            MatchEvent.match_id.in_([d.match_id for d in shown]),
        )
        .options(selectinload(MatchEvent.actor))
    )
    verifications = {event.match_id: event for event in events}
    return [Outcome(d.match, d, [], verifications.get(d.match_id)) for d in shown]


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
