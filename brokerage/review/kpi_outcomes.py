"""What verified brokerage outcomes add to the delivery plan's KPIs, month by month (the plan
writes them; see plan/kpi_sources.py and create_app). An outcome counts once the task force
has verified it, in the month they did; one queried or rejected never counts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from ..extensions import db
from ..matches.models import Match
from ..workflow.models import Delivery, DeliveryLine, MatchEvent
from ..workflow.states import State


def verified_quantities_by_month(codes: frozenset[str]) -> dict[date, Decimal]:
    """The quantities delivered under these TOMs measures in verified matches, summed by
    the month each match was verified."""
    verified_at = (
        select(MatchEvent.match_id, func.max(MatchEvent.at).label("at"))
        .where(MatchEvent.to_state == State.VERIFIED.value)
        .group_by(MatchEvent.match_id)
        .subquery()
    )
    rows = db.session.execute(
        select(DeliveryLine.quantity, verified_at.c.at)
        .join(Delivery, Delivery.id == DeliveryLine.delivery_id)
        .join(Match, Match.id == Delivery.match_id)
        .join(verified_at, verified_at.c.match_id == Match.id)
        .where(Match.state == State.VERIFIED.value, DeliveryLine.measure_code.in_(codes))
    )
    totals: dict[date, Decimal] = defaultdict(Decimal)
    for quantity, at in rows:
        totals[at.date().replace(day=1)] += quantity
    return dict(totals)
