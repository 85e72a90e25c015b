"""Listings as the matching core's inputs: which published listings answer which, and how.

An opportunity looks for suppliers' offers, a need for offers, and an offer for needs;
only published listings are candidates. `service.live_matches_for` builds the pool from the
database for a draft; published listings read stored matches (`store`, `scene`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..listings.closing import open_and_published
from ..listings.matching_inputs import (
    candidate_from_need,
    candidate_from_offer,
    wanted_from_need,
    wanted_from_offer,
    wanted_from_opportunity,
)
from ..listings.models import Listing, Need, Offer, Opportunity
from ..listings.profiles import profiles_of, service_reach
from ..matching import Candidate, CandidatePool, Wanted
from ..toms.service import matching_catalogue


@dataclass(frozen=True)
class Pairing:
    """What a kind of listing is matched against, and how each side becomes core input."""

    candidate_model: type[Listing]
    candidates: Callable[[list[Any]], list[Candidate]]
    wanted: Callable[[Any], Wanted]


def _offers_as_candidates(offers: list[Any]) -> list[Candidate]:
    """Offers (mapped or `ListingRow`s), each bounded by its supplier's service radius."""
    reach = service_reach({offer.organisation_id for offer in offers})
    return [candidate_from_offer(o, reach.get(o.organisation_id)) for o in offers]


def _needs_as_candidates(needs: list[Need]) -> list[Candidate]:
    return [candidate_from_need(need) for need in needs]


def _offer_as_wanted(offer: Offer) -> Wanted:
    return wanted_from_offer(offer, profiles_of([offer.organisation_id]).get(offer.organisation_id))


PAIRINGS: dict[type[Listing], Pairing] = {
    Opportunity: Pairing(Offer, _offers_as_candidates, wanted_from_opportunity),
    Need: Pairing(Offer, _offers_as_candidates, wanted_from_need),
    Offer: Pairing(Need, _needs_as_candidates, _offer_as_wanted),
}


@dataclass(frozen=True, slots=True)
class MeasureRow:
    """One measure of a listing as the matching inputs read it (OfferMeasure & co.)."""

    measure_code: str
    quantity: Decimal | None = None
    target: Decimal | None = None
    weight: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ListingRow:
    """A published listing's columns that the matching inputs read, without an ORM object:
    loading tens of thousands of mapped objects was most of a recompute's cost."""

    REF_PREFIX: str
    id: int
    organisation_id: int
    title: str
    description: str
    category: str
    easting: int
    northing: int
    priority_place: str | None
    measures: tuple[MeasureRow, ...]
    available_from: date | None = None
    available_to: date | None = None
    deadline: date | None = None

    @property
    def ref(self) -> str:
        return f"{self.REF_PREFIX}-{self.id}"


_COMMON_COLUMNS = (
    "id",
    "organisation_id",
    "title",
    "description",
    "category",
    "easting",
    "northing",
    "priority_place",
)
_OWN_COLUMNS = {
    Offer: ("available_from", "available_to"),
    Opportunity: ("deadline",),
    Need: ("deadline",),
}
_MEASURE_COLUMNS = {Offer: ("quantity",), Opportunity: ("target", "weight"), Need: ("quantity",)}


def measures_table(model: type[Listing]) -> tuple[type[Any], Any]:
    """A kind of listing's measure model (OfferMeasure & co.) and its column naming the
    listing, read off the `measures` relationship."""
    relationship = model.measures.property
    return relationship.mapper.class_, next(iter(relationship.remote_side))


def published_rows(
    model: type[Listing],
    organisation_ids: Collection[int] | None = None,
    ids: Collection[int] | None = None,
) -> list[ListingRow]:
    """Every open published listing of `model` (of `organisation_ids` only, and with `ids`
    only, if given) in id order, as plain rows with their measures (in the order chosen, as
    the ORM relationship gives them)."""
    measure_model, parent = measures_table(model)
    is_published = open_and_published(model)
    if organisation_ids is not None:
        is_published &= model.organisation_id.in_(organisation_ids)
    if ids is not None:
        is_published &= model.id.in_(ids)
    measure_columns = [getattr(measure_model, name) for name in _MEASURE_COLUMNS[model]]
    measures: dict[int, list[MeasureRow]] = {}
    for listing_id, code, *values in db.session.execute(
        select(parent, measure_model.measure_code, *measure_columns)
        .join(model, model.id == parent)
        .where(is_published)
        .order_by(measure_model.id)
    ):
        row = MeasureRow(code, **dict(zip(_MEASURE_COLUMNS[model], values, strict=True)))
        measures.setdefault(listing_id, []).append(row)
    names = (*_COMMON_COLUMNS, *_OWN_COLUMNS[model])
    found = db.session.execute(
        select(*(getattr(model, name) for name in names)).where(is_published).order_by(model.id)
    )
    return [
        ListingRow(
            model.REF_PREFIX,
            measures=tuple(measures.get(values[0], ())),
            **dict(zip(names, values, strict=True)),
        )
        for values in found
    ]


def published(model: type[Listing]) -> list[Listing]:
    return list(
        db.session.scalars(
            select(model)
            .where(open_and_published(model))
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
