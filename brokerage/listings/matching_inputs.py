"""Listings as the matching core's inputs (brokerage.matching Candidate and Wanted).

Keys are the listings' public refs ("OFF-12"), unique across kinds. Text is the title
and description; dates are the window in which the listing can be met. An opportunity's
deadline is for bids, not delivery, so it gives no window.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, TypedDict

from ..matching import Candidate, Wanted, WantedMeasure
from ..matching.text import says_delivered_remotely, title_says_closed
from ..places.names import place_names
from ..toms.service import matching_catalogue
from .choices import category_label
from .models import Listing, Need, Offer, Opportunity

# relevance.md: in-person help is within about 25 km, 15-30 km a weaker match; beyond it
# is no match, however well it fits. Money and goods can be sent from anywhere.
IN_PERSON_REACH_KM = 30.0


def _text(listing: Listing) -> str:
    return f"{listing.title}\n{listing.description}".strip()


def _number(quantity: Decimal | None) -> float | None:
    return None if quantity is None else float(quantity)


class ServiceReach(Protocol):
    """What matching reads of a supplier's profile: how far it serves (None: anywhere)."""

    @property
    def service_radius_km(self) -> float | None: ...


@dataclass(frozen=True, slots=True)
class Reach:
    """A service radius without its profile, for loading thousands at once."""

    service_radius_km: float | None


def _radius_m(profile: ServiceReach | None) -> float | None:
    if profile is None or profile.service_radius_km is None:
        return None
    return profile.service_radius_km * 1000.0


class _Common(TypedDict):
    easting: float
    northing: float
    text: str
    category: str | None
    in_priority_place: bool


def _common(listing: Listing) -> _Common:
    return {
        "easting": float(listing.easting),
        "northing": float(listing.northing),
        "text": _text(listing),
        "category": listing.category,
        "in_priority_place": listing.priority_place is not None,
    }


def candidate_from_offer(offer: Offer, profile: ServiceReach | None = None) -> Candidate:
    """An offer as a candidate; its supplier's service radius (from `profile`) bounds it."""
    return Candidate(
        key=offer.ref,
        measures={row.measure_code: float(row.quantity) for row in offer.measures},
        start=offer.available_from,
        end=offer.available_to,
        service_radius_m=_radius_m(profile),
        closed=title_says_closed(offer.title),
        remote=says_delivered_remotely(_text(offer)),
        category_label=category_label(offer.category),
        **_common(offer),
    )


def wanted_from_offer(offer: Offer, profile: ServiceReach | None = None) -> Wanted:
    """An offer looking for needs: as far as its supplier serves, what it can give."""
    return Wanted(
        measures=tuple(
            WantedMeasure(row.measure_code, float(row.quantity)) for row in offer.measures
        ),
        start=offer.available_from,
        end=offer.available_to,
        max_distance_m=_radius_m(profile),
        **_common(offer),
    )


def wanted_from_opportunity(opportunity: Opportunity) -> Wanted:
    return Wanted(
        measures=tuple(
            WantedMeasure(row.measure_code, float(row.target), float(row.weight))
            for row in opportunity.measures
        ),
        **_common(opportunity),
    )


def candidate_from_opportunity(opportunity: Opportunity) -> Candidate:
    """An opportunity as a candidate for a supplier's offer ("opportunities for you")."""
    return Candidate(
        key=opportunity.ref,
        measures={row.measure_code: float(row.target) for row in opportunity.measures},
        category_label=category_label(opportunity.category),
        **_common(opportunity),
    )


def in_person_reach_m(need: Need) -> float | None:
    """How far a need's help can come from: IN_PERSON_REACH_KM when any measure it asks for
    is given in person (volunteers, hours), no limit when all can be sent (money, goods)."""
    catalogue = matching_catalogue()
    if any(catalogue.is_in_person(row.measure_code) for row in need.measures):
        return IN_PERSON_REACH_KM * 1000.0
    return None


def wanted_from_need(need: Need) -> Wanted:
    """A need wants its measures by its deadline (a measure without a quantity: any
    amount), from within its in-person reach; money and goods can be sent from further."""
    reach = in_person_reach_m(need)
    return Wanted(
        measures=tuple(
            WantedMeasure(row.measure_code, _number(row.quantity)) for row in need.measures
        ),
        end=need.deadline,
        max_distance_m=reach,
        can_be_sent=reach is None and bool(need.measures),
        place_names=place_names(),
        **_common(need),
    )


def candidate_from_need(need: Need) -> Candidate:
    """A need as a candidate for an offer looking for where it can help."""
    return Candidate(
        key=need.ref,
        measures={row.measure_code: _number(row.quantity) for row in need.measures},
        end=need.deadline,
        service_radius_m=in_person_reach_m(need),
        closed=title_says_closed(need.title),
        category_label=category_label(need.category),
        **_common(need),
    )
