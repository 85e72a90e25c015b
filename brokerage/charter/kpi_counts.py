"""What the charter counts for the delivery plan's KPIs, month by month (the plan writes
them; see plan/kpi_sources.py and create_app). Sign-ups count when staff approve, so one
that is declined never counts; pledges count when a meeting records them implemented."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from sqlalchemy import func, select

from ..extensions import db
from ..partnership import current_partnership
from .buddies import implemented_pledges
from .choices import SigneeStatus
from .models import Pledge, SignedPledge, Signee


def _by_month(moments: list[datetime]) -> dict[date, int]:
    return dict(Counter(moment.date().replace(day=1) for moment in moments))


def signees_by_month() -> dict[date, int]:
    """Approved signees, in the month staff approved them."""
    return _by_month(
        list(
            db.session.scalars(
                select(Signee.approved_at).where(
                    Signee.status == SigneeStatus.APPROVED, Signee.approved_at.is_not(None)
                )
            )
        )
    )


def procurement_pledgers_by_month() -> dict[date, int]:
    """Approved signees with an approved procurement pledge, each once: in the month its
    first one was approved."""
    first_approved = (
        select(func.min(SignedPledge.approved_at))
        .join(Pledge, Pledge.id == SignedPledge.pledge_id)
        .join(Signee, Signee.id == SignedPledge.signee_id)
        .where(
            Signee.status == SigneeStatus.APPROVED,
            SignedPledge.approved_at.is_not(None),
            # The pledges about buying and supply chains, which the Social Value and
            # Procurement KPI counts: the partnership's configuration lists them.
            Pledge.code.in_(current_partnership().procurement_pledges),
        )
        .group_by(SignedPledge.signee_id)
    )
    return _by_month(list(db.session.scalars(first_approved)))


def pledges_implemented_by_month() -> dict[date, int]:
    """Approved signees' pledges that stand implemented at their latest meeting, each once:
    in the month of the meeting that recorded it implemented, unbroken since. A pledge that
    slips back stops counting, so the KPI's total is the pledges implemented now."""
    return dict(Counter(found.since.replace(day=1) for found in implemented_pledges()))
