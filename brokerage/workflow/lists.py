"""Lists of matches with their stage in words, filtered by stage: an organisation's (the
buyer's, supplier's or beneficiary's, whichever side it is on) and every match, for the
task force and staff. The stage is worked out in SQL (`stage_expression`), so a filter and
its counts come from the database, not from loading every match."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Subquery, and_, case, exists, func, select, union
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


def _staged(organisation: Organisation | None) -> Subquery:
    """The id and stage of each match `organisation` is a side of (every match for None):
    those of its offers, its needs and its opportunities, each side looked up by its own
    index. (Asked as one condition of three alternatives, PostgreSQL read every stored
    match: a second a page at 10,000 suppliers.)"""
    stage = stage_expression().label("stage")
    if organisation is None:
        return select(Match.id, stage).subquery()
    return union(
        *(
            select(Match.id, stage)
            .join(listing, listing.id == side)
            .where(listing.organisation_id == organisation.id)
            for listing, side in (
                (Offer, Match.offer_id),
                (Need, Match.need_id),
                (Opportunity, Match.opportunity_id),
            )
        )
    ).subquery()


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
    staged = _staged(organisation)
    counted = db.session.execute(select(staged.c.stage, func.count()).group_by(staged.c.stage))
    counts = {Stage(value): n for value, n in counted}
    total = counts.get(stage, 0) if stage else sum(counts.values())
    # The page's ids first, then their matches: asked together, with the newest first and
    # a page's limit, PostgreSQL walked every match from the newest down to find them.
    chosen = select(staged.c.id, staged.c.stage)
    if stage is not None:
        chosen = chosen.where(staged.c.stage == stage.value)
    picked = db.session.execute(
        chosen.order_by(staged.c.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    loaded = db.session.scalars(
        select(Match)
        .where(Match.id.in_([match_id for match_id, _ in picked]))
        .options(
            joinedload(Match.offer).joinedload(Offer.organisation),
            joinedload(Match.need).joinedload(Need.organisation),
            joinedload(Match.opportunity).joinedload(Opportunity.organisation),
        )
    )
    by_id = {match.id: match for match in loaded}
    return MatchList(
        rows=[StagedMatch(by_id[match_id], Stage(value)) for match_id, value in picked],
        counts={s: counts[s] for s in Stage if s in counts},
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
    )
