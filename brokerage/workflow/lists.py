"""Lists of matches with their stage in words, filtered by stage: an organisation's (the
buyer's, supplier's or beneficiary's, whichever side it is on) and every match, for the
task force and staff. The stage is worked out in SQL (`stage_expression`), so a filter and
its counts come from the database, not from loading every match."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    and_,
    case,
    exists,
    func,
    select,
    union,
)
from sqlalchemy.orm import joinedload

from ..accounts.models import Organisation
from ..extensions import db
from ..listings.models import Need, Offer, Opportunity
from ..matches.models import Match
from .models import Delivery, MatchEvent
from .states import DISPUTED, Stage, State

PER_PAGE = 25


def stage_expression() -> ColumnElement[str]:
    """A match's `Stage` value: its state, but "confirmed" for a delivery the receiving side
    confirmed and "disputed" for an agreed match whose last move was a dispute."""
    last_reason = (
        select(MatchEvent.reason)
        .where(MatchEvent.match_id == Match.id)
        .order_by(MatchEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    confirmed = exists().where(Delivery.match_id == Match.id, Delivery.confirmed_at.is_not(None))
    return case(
        (and_(Match.state == State.DELIVERED.value, confirmed), Stage.CONFIRMED.value),
        (and_(Match.state == State.AGREED.value, last_reason == DISPUTED), Stage.DISPUTED.value),
        else_=Match.state,
    )


def _staged(organisation: Organisation | None) -> FromClause:
    """The id and state of each match `organisation` is a side of (every match for None):
    those of its offers, its needs and its opportunities, each side looked up by its own
    index. (Asked as one condition of three alternatives, PostgreSQL read every stored
    match: a second a page at 10,000 suppliers.)"""
    if organisation is None:
        return Match.__table__
    return union(
        *(
            select(Match.id, Match.state)
            .join(listing, listing.id == side)
            .where(listing.organisation_id == organisation.id)
            for listing, side in (
                (Offer, Match.offer_id),
                (Need, Match.need_id),
                (Opportunity, Match.opportunity_id),
            )
        )
    ).subquery()


# The stages told apart from a state by what happened since (`stage_expression`); every other
# stage is a state's own.
TOLD_APART = {Stage.CONFIRMED: State.DELIVERED, Stage.DISPUTED: State.AGREED}


def _told_apart(stage: Stage) -> Select[int]:
    """The ids of the matches at `stage`, one of `TOLD_APART`: looked for only among those
    with a confirmed delivery or a dispute, so never by reading every stored match."""
    evidenced = union(
        select(Delivery.match_id).where(Delivery.confirmed_at.is_not(None)),
        select(MatchEvent.match_id).where(MatchEvent.reason == DISPUTED),
    )
    return select(Match.id).where(
        Match.state == TOLD_APART[stage].value,
        Match.id.in_(evidenced),
        stage_expression() == stage.value,
    )


def _at(stage: Stage, staged: FromClause) -> ColumnElement[bool]:
    """Whether a row of `staged` (`_staged`) is at `stage`, asked of its plain state first
    (the stage worked out for every row, PostgreSQL took a second over 325,000 matches)."""
    if stage in TOLD_APART:
        return staged.c.id.in_(_told_apart(stage))
    at_state = staged.c.state == stage.value
    for other, state in TOLD_APART.items():
        if state.value == stage.value:
            return and_(at_state, staged.c.id.not_in(_told_apart(other)))
    return at_state


def _counts(organisation: Organisation | None) -> dict[Stage, int]:
    """How many of the matches `organisation` is a side of (every match for None) are at
    each stage: counted by state, then those told apart moved from their state's count."""
    staged = _staged(organisation)
    by_state = select(staged.c.state, func.count()).group_by(staged.c.state)
    counts = Counter({Stage(value): n for value, n in db.session.execute(by_state)})
    for stage, state in TOLD_APART.items():
        if not counts[Stage(state.value)]:
            continue  # none at the state it is told apart from
        told = select(func.count()).select_from(staged).where(_at(stage, staged))
        n = db.session.execute(told).scalar_one()
        counts[stage] += n
        counts[Stage(state.value)] -= n
    return {s: counts[s] for s in Stage if counts[s]}


@dataclass(frozen=True)
class StagedMatch:
    match: Match
    stage: Stage


@dataclass(frozen=True)
class MatchList:
    rows: list[StagedMatch]
    counts: dict[Stage, int]  # every stage with matches, whatever the filter
    page: int
    pages: int
    total: int  # of the filter's stage, or of all


def stages_of(matches: list[Match]) -> dict[int, Stage]:
    """The stage of each of these matches, in one query."""
    if not matches:
        return {}
    rows = db.session.execute(
        select(Match.id, stage_expression()).where(Match.id.in_([m.id for m in matches]))
    )
    return {match_id: Stage(stage) for match_id, stage in rows}


def match_list(organisation: Organisation | None, stage: Stage | None, page: int) -> MatchList:
    """The matches `organisation` is a side of (every match for None), newest first, one
    page of those at `stage` (or of all)."""
    counts = _counts(organisation)
    total = counts.get(stage, 0) if stage else sum(counts.values())
    # The page's ids first, then their matches: asked together, with the newest first and
    # a page's limit, PostgreSQL walked every match from the newest down to find them.
    staged = _staged(organisation)
    chosen = select(staged.c.id)
    if stage is not None:
        chosen = chosen.where(_at(stage, staged))
    picked = db.session.scalars(
        chosen.order_by(staged.c.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    loaded = db.session.execute(
        select(Match, stage_expression())
        .where(Match.id.in_(picked))
        .options(
            joinedload(Match.offer).joinedload(Offer.organisation),
            joinedload(Match.need).joinedload(Need.organisation),
            joinedload(Match.opportunity).joinedload(Opportunity.organisation),
        )
    )
    by_id = {match.id: StagedMatch(match, Stage(value)) for match, value in loaded}
    return MatchList(
        rows=[by_id[match_id] for match_id in picked],
        counts=counts,
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
    )
