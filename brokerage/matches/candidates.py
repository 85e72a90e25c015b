"""Listings as the matching core's inputs: which published listings answer which, and how.

An opportunity looks for suppliers' offers, a need for offers, and an offer for needs;
only published listings are candidates. `service.live_matches_for` builds the pool from the
database for a draft; published listings read stored matches (`store`, `scene`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..listings.choices import ListingStatus
from ..listings.matching_inputs import (
    candidate_from_need,
    candidate_from_offer,
    wanted_from_need,
    wanted_from_offer,
    wanted_from_opportunity,
)
from ..listings.models import Listing, Need, Offer, Opportunity
from ..listings.service import profiles_of
from ..matching import Candidate, CandidatePool, Wanted
from ..toms.service import matching_catalogue


@dataclass(frozen=True)
class Pairing:
    """What a kind of listing is matched against, and how each side becomes core input."""

    candidate_model: type[Listing]
    candidates: Callable[[list[Any]], list[Candidate]]
    wanted: Callable[[Any], Wanted]


def _offers_as_candidates(offers: list[Offer]) -> list[Candidate]:
    """Offers, each bounded by its supplier's service radius."""
    profiles = profiles_of(sorted({offer.organisation_id for offer in offers}))
    return [candidate_from_offer(o, profiles.get(o.organisation_id)) for o in offers]


def _needs_as_candidates(needs: list[Need]) -> list[Candidate]:
    return [candidate_from_need(need) for need in needs]


def _offer_as_wanted(offer: Offer) -> Wanted:
    return wanted_from_offer(offer, profiles_of([offer.organisation_id]).get(offer.organisation_id))


PAIRINGS: dict[type[Listing], Pairing] = {
    Opportunity: Pairing(Offer, _offers_as_candidates, wanted_from_opportunity),
    Need: Pairing(Offer, _offers_as_candidates, wanted_from_need),
    Offer: Pairing(Need, _needs_as_candidates, _offer_as_wanted),
}


def published(model: type[Listing]) -> list[Listing]:
    return list(
        db.session.scalars(
            select(model)
            .where(model.status == ListingStatus.PUBLISHED.value)
            .options(selectinload(model.measures), selectinload(model.organisation))
            .order_by(model.id)
        )
    )


@dataclass(frozen=True)
class CandidateSet:
    pool: CandidatePool
    listings: dict[str, Listing]  # by ref, the matching core's key


def candidates_for(listing: Listing) -> CandidateSet:
    """Every published listing that could answer `listing`, other than its own organisation's."""
    pairing = PAIRINGS[type(listing)]
    rows = [
        row
        for row in published(pairing.candidate_model)
        if row.organisation_id != listing.organisation_id
    ]
    pool = CandidatePool(pairing.candidates(rows), matching_catalogue())
    return CandidateSet(pool, {row.ref: row for row in rows})
