"""Lists of matches with their stage in words, filtered by stage: an organisation's (the
buyer's, supplier's or beneficiary's, whichever side it is on) and every match, for the
task force and staff. The stage is worked out in SQL (`stage_expression`), so a filter and
its counts come from the database, not from loading every match."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, or_, select
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


def _of(organisation: Organisation | None) -> Select:
    query = select(Match)
    if organisation is None:
        return query
    return query.where(
        or_(
            Match.offer_id.in_(select(Offer.id).where(Offer.organisation_id == organisation.id)),
            Match.need_id.in_(select(Need.id).where(Need.organisation_id == organisation.id)),
            Match.opportunity_id.in_(
                select(Opportunity.id).where(Opportunity.organisation_id == organisation.id)
            ),
        )
    )


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
    staged = _of(organisation).add_columns(stage_expression().label("stage")).subquery()
    counted = db.session.execute(select(staged.c.stage, func.count()).group_by(staged.c.stage))
    counts = {Stage(value): n for value, n in counted}
    total = counts.get(stage, 0) if stage else sum(counts.values())
    query = _of(organisation).add_columns(stage_expression())
    if stage is not None:
        query = query.where(stage_expression() == stage.value)
    rows = db.session.execute(
        query.options(
            joinedload(Match.offer).joinedload(Offer.organisation),
            joinedload(Match.need).joinedload(Need.organisation),
            joinedload(Match.opportunity).joinedload(Opportunity.organisation),
        )
        .order_by(Match.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return MatchList(
        rows=[StagedMatch(match, Stage(value)) for match, value in rows],
        counts={s: counts[s] for s in Stage if s in counts},
        page=page,
        pages=max(1, -(-total // PER_PAGE)),
        total=total,
    )
