"""Every match as plain facts for the dashboard: its two sides, where the help goes, the
TOMs themes it touches, its history and what it delivered. Loaded in a few queries and
filtered in Python, so each figure is a small pure function over the same list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Membership
from ..extensions import db
from ..matches.models import Match
from ..toms.service import current_measures
from ..workflow.models import Delivery, MatchEvent, MatchMessage
from ..workflow.states import State

# The steps of the funnel, in order; a match that reached one reached those before it.
FUNNEL = (
    State.SUGGESTED,
    State.INTEREST_EXPRESSED,
    State.IN_DISCUSSION,
    State.AGREED,
    State.DELIVERED,
    State.VERIFIED,
)
NO_THEME = "Measure not in the catalogue in force"


@dataclass(frozen=True)
class Event:
    at: datetime
    to_state: str
    actor_id: int | None
    reason: str | None


@dataclass(frozen=True)
class Line:
    measure_code: str
    theme: str
    unit: str
    quantity: Decimal
    value_pence: int | None


@dataclass(frozen=True)
class MatchFacts:
    id: int
    score: float
    state: str
    suggested_at: datetime
    provider: tuple[int, str]  # (organisation id, name) of the side that delivers
    seeker: tuple[int, str]  # the buyer or beneficiary
    offer_title: str
    seeker_title: str
    # (the app's ref, the partner's ref or "") of the offer and of the opportunity or need
    offer_refs: tuple[str, str]
    seeker_refs: tuple[str, str]
    need_id: int | None
    district: str
    priority_place: str | None
    themes: frozenset[str]
    events: tuple[Event, ...]
    lines: tuple[Line, ...]
    delivered: tuple[date, date] | None
    answers: tuple[tuple[datetime, int], ...]  # (when, organisation id) of moves and messages
    interest_by: frozenset[int]  # the side(s) whose member first expressed interest

    def reached(self, step: State) -> bool:
        """Whether the match ever got as far as `step`: from its history, or from its state
        now (a match put in a state without a history still counts)."""
        if step == State.SUGGESTED or any(e.to_state == step for e in self.events):
            return True
        state = State(self.state)
        return state in FUNNEL and FUNNEL.index(state) >= FUNNEL.index(step)

    def first(self, step: State) -> datetime | None:
        return next((e.at for e in self.events if e.to_state == step), None)


def load_facts() -> list[MatchFacts]:
    """Every stored match, oldest first."""
    themes = {m.code: m.theme.name for m in current_measures()}
    events = _grouped(db.session.scalars(select(MatchEvent).order_by(MatchEvent.at, MatchEvent.id)))
    deliveries = {
        d.match_id: d
        for d in db.session.scalars(select(Delivery).options(selectinload(Delivery.lines)))
    }
    organisations_of: dict[int, set[int]] = defaultdict(set)
    for user_id, organisation_id in db.session.execute(
        select(Membership.user_id, Membership.organisation_id)
    ):
        organisations_of[user_id].add(organisation_id)
    messages: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for match_id, at, organisation_id in db.session.execute(
        select(MatchMessage.match_id, MatchMessage.at, MatchMessage.organisation_id)
    ):
        messages[match_id].append((at, organisation_id))
    matches = db.session.scalars(
        select(Match)
        .options(
            selectinload(Match.offer), selectinload(Match.need), selectinload(Match.opportunity)
        )
        .order_by(Match.id)
    )
    return [
        _facts(m, themes, events.get(m.id, []), deliveries.get(m.id), organisations_of, messages)
        for m in matches
    ]


def _grouped(events: object) -> dict[int, list[MatchEvent]]:
    out: dict[int, list[MatchEvent]] = defaultdict(list)
    for event in events:  # type: ignore[attr-defined]
        out[event.match_id].append(event)
    return out


def _facts(
    match: Match,
    themes: dict[str, str],
    events: list[MatchEvent],
    delivery: Delivery | None,
    organisations_of: dict[int, set[int]],
    messages: dict[int, list[tuple[datetime, int]]],
) -> MatchFacts:
    offer, seeker = match.offer, match.seeker
    provider_id, seeker_id = offer.organisation_id, seeker.organisation_id
    sides = {provider_id, seeker_id}
    answers = [
        (e.at, organisation)
        for e in events
        if e.actor_id is not None
        for organisation in organisations_of[e.actor_id] & sides
    ] + messages.get(match.id, [])
    interest = next((e for e in events if e.to_state == State.INTEREST_EXPRESSED), None)
    interest_by = (
        organisations_of[interest.actor_id] & sides if interest and interest.actor_id else set()
    )
    codes = {m.measure_code for m in offer.measures} | {m.measure_code for m in seeker.measures}
    first_at = min([match.computed_at, *(e.at for e in events)])
    return MatchFacts(
        id=match.id,
        score=match.score,
        state=match.state,
        suggested_at=first_at,
        provider=(provider_id, offer.organisation.name),
        seeker=(seeker_id, seeker.organisation.name),
        offer_title=offer.title,
        seeker_title=seeker.title,
        offer_refs=(offer.ref, offer.external_ref or ""),
        seeker_refs=(seeker.ref, seeker.external_ref or ""),
        need_id=match.need_id,
        district=seeker.district,
        priority_place=seeker.priority_place,
        themes=frozenset(themes.get(code, NO_THEME) for code in codes),
        events=tuple(Event(e.at, e.to_state, e.actor_id, e.reason) for e in events),
        lines=tuple(
            Line(
                line.measure_code,
                themes.get(line.measure_code, NO_THEME),
                line.unit,
                line.quantity,
                line.value_pence,
            )
            for line in (delivery.lines if delivery else [])
        ),
        delivered=(delivery.delivered_from, delivery.delivered_to) if delivery else None,
        answers=tuple(sorted(answers)),
        interest_by=frozenset(interest_by),
    )
