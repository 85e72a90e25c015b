"""Demo profiles and listings around the delivery plan's programmes, as the partnership's
demo file (read by brokerage/demo/data.py) describes them: `listings` (needs, offers,
opportunities), `profiles` and the organisations staff have `verified`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..extensions import db
from . import columns, profiles, service
from .models import LISTING_MODELS


@dataclass(frozen=True)
class DemoListing:
    organisation: str
    title: str
    description: str
    category: str
    postcode: str
    measures: dict[str, str]  # code: quantity ("" for any amount)
    days_to_deadline: int | None = None  # deadline, or offer's end, from the seeding day
    weights: dict[str, str] = field(default_factory=dict)
    quantity_wanted: str = ""
    quantity_unit: str = ""
    trades: tuple[str, ...] = ()  # an opportunity's, as CPV codes


@dataclass(frozen=True)
class DemoListings:
    needs: tuple[DemoListing, ...]
    offers: tuple[DemoListing, ...]
    opportunities: tuple[DemoListing, ...]
    profiles: Mapping[str, Mapping[str, Any]]  # the suppliers' profiles, by organisation
    verified: tuple[str, ...]  # the real bodies the partnership knows


def read_demo_listings(data: Mapping[str, Any]) -> DemoListings:
    """The listings part of a demo file, as written there."""
    listings = data.get("listings", {})

    def kind(name: str) -> tuple[DemoListing, ...]:
        return tuple(
            DemoListing(**{**item, "trades": tuple(item.get("trades", ()))})
            for item in listings.get(name, ())
        )

    return DemoListings(
        needs=kind("needs"),
        offers=kind("offers"),
        opportunities=kind("opportunities"),
        profiles={
            name: {key: tuple(v) if isinstance(v, list) else v for key, v in values.items()}
            for name, values in data.get("profiles", {}).items()
        },
        verified=tuple(data.get("verified", ())),
    )


def seed(organisations: Mapping[str, Organisation], staff: User, demo: DemoListings) -> list[str]:
    """Create the demo profiles and published listings that are missing (by organisation
    and title); returns what was created."""
    created = [*_seed_profiles(organisations, staff, demo)]
    existing = {
        (listing.organisation_id, listing.title)
        for model in LISTING_MODELS
        for listing in db.session.scalars(select(model))
    }
    kinds = ((demo.needs, _need), (demo.offers, _offer), (demo.opportunities, _opportunity))
    for listings, fields in kinds:
        for listing_demo in listings:
            organisation = organisations[listing_demo.organisation]
            if (organisation.id, listing_demo.title) in existing:
                continue
            listing = service.create_listing(organisation, fields(listing_demo))
            service.change_status(listing, "publish", staff)
            created.append(f"{listing.ref} {listing_demo.title}")
    return created


def _seed_profiles(
    organisations: Mapping[str, Organisation], staff: User, demo: DemoListings
) -> list[str]:
    created = []
    for name, values in demo.profiles.items():
        organisation = organisations[name]
        if profiles.profile_of(organisation) is None:
            profiles.save_profile(
                organisation,
                profiles.ProfileFields(
                    sector=values.get("sector"),
                    size=values.get("size"),
                    is_vcse=values.get("vcse", False),
                    is_social_enterprise=values.get("se", False),
                    pays_real_living_wage=values.get("rlw", False),
                    service_radius_km=values.get("radius"),
                    trades=values.get("trades"),
                ),
            )
            created.append(f"profile of {name}")
    for name in demo.verified:
        profile = profiles.profile_of(organisations[name])
        if profile is None or not profile.verified:
            profiles.set_verified(organisations[name], True, staff)
            created.append(f"verification of {name}")
    return created


def _quantities(measures: dict[str, str]) -> dict[str, Decimal | None]:
    return {code: Decimal(q) if q else None for code, q in measures.items()}


def _stated(measures: dict[str, str]) -> dict[str, Decimal]:
    """An offer's or opportunity's quantities, which its demo data always states."""
    return {code: Decimal(q) for code, q in measures.items()}


def _common(demo: DemoListing) -> dict[str, Any]:
    return {
        "title": demo.title,
        "description": demo.description,
        "category": demo.category,
        "postcode": demo.postcode,
    }


def _day(demo: DemoListing) -> Any:
    if demo.days_to_deadline is None:
        return None
    return service.today() + timedelta(days=demo.days_to_deadline)


def _need(demo: DemoListing) -> columns.NeedFields:
    return columns.NeedFields(
        **_common(demo),
        deadline=_day(demo),
        quantity_wanted=Decimal(demo.quantity_wanted) if demo.quantity_wanted else None,
        quantity_unit=demo.quantity_unit,
        measures=_quantities(demo.measures),
    )


def _offer(demo: DemoListing) -> columns.OfferFields:
    return columns.OfferFields(
        **_common(demo),
        available_from=service.today(),
        available_to=_day(demo),
        measures=_stated(demo.measures),
    )


def _opportunity(demo: DemoListing) -> columns.OpportunityFields:
    return columns.OpportunityFields(
        **_common(demo),
        estimated_value_pence=None,
        deadline=_day(demo),
        measures=_stated(demo.measures),
        weights={code: Decimal(w) for code, w in demo.weights.items()},
        trades=demo.trades,
    )
