"""The demo outcomes: demo matches taken through the real workflow, once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from brokerage.demo.service import seed_demo
from brokerage.extensions import db
from brokerage.impact.models import CaseStudy
from brokerage.matches.models import Match
from brokerage.workflow.models import DeliveryLine, MatchEvent
from brokerage.workflow.states import State


def test_the_demo_shows_verified_awaiting_queried_and_declined_outcomes(app):
    with app.app_context():
        seed_demo()
        db.session.commit()
        states = Counter(db.session.scalars(select(Match.state).where(Match.state != "suggested")))
        assert states == {
            State.VERIFIED: 3,
            State.DELIVERED: 1,
            State.AGREED: 1,  # queried back
            State.DECLINED: 1,
            State.INTEREST_EXPRESSED: 1,
        }
        queried = db.session.scalars(
            select(MatchEvent).where(
                MatchEvent.from_state == "delivered", MatchEvent.to_state == "agreed"
            )
        ).one()
        assert queried.note.endswith("?")
        assert db.session.scalars(
            select(MatchEvent.reason).where(MatchEvent.to_state == "declined")
        ).all() == ["no_capacity"]
        # No £ proxy values are shipped: the demo counts units only.
        assert (
            db.session.scalar(select(func.count()).where(DeliveryLine.value_pence.is_not(None)))
            == 0
        )
        assert db.session.scalar(select(func.count(CaseStudy.id))) == 1
        events = db.session.scalar(select(func.count(MatchEvent.id)))
        assert seed_demo().created == []
        assert db.session.scalar(select(func.count(MatchEvent.id))) == events
