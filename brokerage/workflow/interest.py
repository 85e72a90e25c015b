"""A supplier acts where it reads: interest in an opportunity, or help offered with a need,
from the listing's own page. The pair's Match is found (or scored and stored) and moved on
by the workflow's `advance`, as from a match card. Functions flush; the caller commits."""

from __future__ import annotations

import math

from sqlalchemy import select

from ..accounts.models import User
from ..errors import BrokerageError
from ..extensions import db
from ..listings.closing import is_closed, open_and_published
from ..listings.models import Need, Offer, Opportunity
from ..matches.candidates import PAIRINGS
from ..matches.models import Match
from ..matches.policy import policy_in_force
from ..matching import CandidatePool, rank
from ..toms.service import matching_catalogue
from .moves import advance
from .states import State

Seeker = Opportunity | Need
ASKED_REASON = "The supplier asked from the listing's page"


class CannotExpressInterest(BrokerageError):
    status_code = 409


def offers_to_choose(user: User, seeker: Seeker) -> list[Offer]:
    """The open published offers of the supplier organisations `user` acts for, other than
    the seeker's own organisation, by title."""
    organisation_ids = [m.organisation_id for m in user.memberships]
    if not organisation_ids:
        return []
    return list(
        db.session.scalars(
            select(Offer)
            .where(
                Offer.organisation_id.in_(organisation_ids),
                Offer.organisation_id != seeker.organisation_id,
                open_and_published(Offer),
            )
            .order_by(Offer.title, Offer.id)
        )
    )


def _column(seeker: Seeker) -> str:
    return "opportunity_id" if isinstance(seeker, Opportunity) else "need_id"


def _scored(offer: Offer, seeker: Seeker) -> Match:
    """The pair scored now, alone, under the policy in force (as a rebuild would store it)."""
    in_force = policy_in_force()
    pairing = PAIRINGS[type(seeker)]
    pool = CandidatePool(pairing.candidates([offer]), matching_catalogue())
    found = rank(pairing.wanted(seeker), pool, in_force.policy, top_n=1)
    distance = math.hypot(offer.easting - seeker.easting, offer.northing - seeker.northing)
    result = found[0] if found else None
    return Match(
        offer_id=offer.id,
        score=result.score if result else 0.0,
        location_score=result.location if result else 0.0,
        toms_score=result.toms if result else 0.0,
        fit_score=result.fit if result else 0.0,
        distance_m=result.distance_m if result else distance,
        reasons=[*(result.reasons if result else ()), ASKED_REASON],
        policy_version=in_force.version,
        **{_column(seeker): seeker.id},
    )


def match_for(offer: Offer, seeker: Seeker) -> Match:
    """The stored match of this pair, or a new one scored now."""
    column = getattr(Match, _column(seeker))
    match = db.session.scalar(select(Match).where(Match.offer_id == offer.id, column == seeker.id))
    if match is None:
        match = _scored(offer, seeker)
        db.session.add(match)
        db.session.flush()
    return match


def express_interest(seeker: Seeker, offer: Offer, actor: User) -> Match:
    """Interest in `seeker` through `offer`, which must be one `offers_to_choose` gives."""
    if not seeker.is_published:
        raise CannotExpressInterest("This listing is not published.")
    if is_closed(seeker):
        raise CannotExpressInterest("This listing is closed: its deadline has passed.")
    if offer.id not in {o.id for o in offers_to_choose(actor, seeker)}:
        raise CannotExpressInterest("Choose one of your organisation's published offers.")
    match = match_for(offer, seeker)
    if State(match.state) == State.SUGGESTED:
        advance(match, State.INTEREST_EXPRESSED, actor)
    return match
