"""The synthetic county written into the app's database, for the load benchmark.

`populate` adds suppliers (each with a profile and one or two published offers), buyers
with published procurement opportunities and beneficiaries with published needs, beside
whatever is there (the demo data, whose accounts sign in). Rows go in by bulk inserts,
ids coming back by RETURNING, so the tables' own sequences stay right; a run of 10,000
suppliers takes seconds where the import service would take minutes.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import insert

from bench.county import THEMES, _text, oxfordshire_points
from brokerage import create_app
from brokerage.accounts.models import Organisation, OrganisationKind
from brokerage.extensions import db
from brokerage.listings.choices import Category, ListingStatus, Size
from brokerage.listings.models import (
    Need,
    NeedMeasure,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
    Profile,
)
from brokerage.places.districts import district_of
from brokerage.toms.service import current_measures
from brokerage.types import utcnow

BATCH = 2_000
LISTINGS_PER_BUYER = 10
NEEDS_PER_BENEFICIARY = 5
CATEGORIES = [category.value for category in Category]
SIZES = [size.value for size in Size]


@dataclass(frozen=True)
class Counts:
    suppliers: int = 10_000
    opportunities: int = 1_000
    needs: int = 5_000


def _returning_ids(model: type, rows: list[dict[str, Any]]) -> list[int]:
    """Insert in batches; the new ids in the order of `rows`."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids += db.session.scalars(statement, rows[start : start + BATCH]).all()
    return ids


def _insert(model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(model), rows[start : start + BATCH])


class _County:
    """One seeded generator, so a run writes the same county each time."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.points = oxfordshire_points()
        self.codes = sorted({measure.code for measure in current_measures()})
        self.now = utcnow()

    def organisations(self, kind: OrganisationKind, count: int) -> list[tuple[int, tuple]]:
        """`count` organisations of `kind`, each with a profile; (id, place) pairs."""
        places = [self.rng.choice(self.points) for _ in range(count)]
        theme_of = [self.rng.choice(list(THEMES)) for _ in range(count)]
        ids = _returning_ids(
            Organisation,
            [
                {
                    "name": f"County {kind.value} {n:05d} {self.rng.choice(THEMES[theme])}",
                    "kind": kind.value,
                    "postcode": place[0],
                    "description": _text(self.rng, theme),
                    "created_at": self.now,
                }
                for n, (place, theme) in enumerate(zip(places, theme_of, strict=True))
            ],
        )
        _insert(
            Profile,
            [
                {
                    "organisation_id": organisation_id,
                    "sector": self.rng.choice(CATEGORIES),
                    "size": self.rng.choice(SIZES),
                    "is_vcse": self.rng.random() < 0.2,
                    "pays_real_living_wage": self.rng.random() < 0.3,
                    "service_radius_km": self.rng.choice([None, 10, 25, 50]),
                }
                for organisation_id in ids
            ],
        )
        return list(zip(ids, places, strict=True))

    def listing(self, organisation_id: int, place: tuple, noun: str) -> dict[str, Any]:
        theme = self.rng.choice(list(THEMES))
        return {
            "organisation_id": organisation_id,
            "title": f"{self.rng.choice(THEMES[theme]).capitalize()} {noun}",
            "description": _text(self.rng, theme),
            "category": self.rng.choice(CATEGORIES),
            "status": ListingStatus.PUBLISHED.value,
            "postcode": place[0],
            "easting": place[1],
            "northing": place[2],
            "district": district_of(place[0]),
            "created_at": self.now,
            "published_at": self.now,
        }

    def measures(self, ids: list[int], column: str, quantity: str) -> list[dict[str, Any]]:
        return [
            {column: listing_id, "measure_code": code, quantity: self.rng.randint(1, 80)}
            for listing_id in ids
            for code in self.rng.sample(self.codes, self.rng.randint(1, 3))
        ]


def populate(counts: Counts, seed: int = 1) -> None:
    """Add the county to the session's database (flushes through Core; the caller commits)."""
    county = _County(seed)
    offers = [
        county.listing(organisation_id, place, "for the community")
        for organisation_id, place in county.organisations(
            OrganisationKind.SUPPLIER, counts.suppliers
        )
        for _ in range(county.rng.randint(1, 2))
    ]
    offer_ids = _returning_ids(Offer, offers)
    _insert(OfferMeasure, county.measures(offer_ids, "offer_id", "quantity"))

    buyers = county.organisations(
        OrganisationKind.BUYER, -(-counts.opportunities // LISTINGS_PER_BUYER)
    )
    deadline = date.today() + timedelta(days=365)
    opportunities = [
        {
            **county.listing(*buyers[n // LISTINGS_PER_BUYER], "contract"),
            "deadline": deadline,
            "estimated_value_pence": county.rng.randint(10_000, 5_000_000) * 100,
        }
        for n in range(counts.opportunities)
    ]
    opportunity_ids = _returning_ids(Opportunity, opportunities)
    _insert(OpportunityMeasure, county.measures(opportunity_ids, "opportunity_id", "target"))

    beneficiaries = county.organisations(
        OrganisationKind.BENEFICIARY, -(-counts.needs // NEEDS_PER_BENEFICIARY)
    )
    needs = [
        county.listing(*beneficiaries[n // NEEDS_PER_BENEFICIARY], "wanted")
        for n in range(counts.needs)
    ]
    need_ids = _returning_ids(Need, needs)
    _insert(NeedMeasure, county.measures(need_ids, "need_id", "quantity"))


def main() -> None:
    """Populate the database the environment names (DATABASE_URL), and commit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for name, default in vars(Counts()).items():
        parser.add_argument(f"--{name}", type=int, default=default)
    options = parser.parse_args()
    counts = Counts(options.suppliers, options.opportunities, options.needs)
    started = time.perf_counter()
    with create_app().app_context():
        populate(counts)
        db.session.commit()
    print(f"Wrote {counts} in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
