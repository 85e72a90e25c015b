"""Build the labelled county in the app's database through the real services, then score
every query through the JSON API with a staff token, as the partnership scores its own.

Organisations and people come from tests/factories.py; profiles, trades and listings go
through the listings services (so their signals fire and stored matches are worked out
as in the app), all in one transaction, committed once with one rebuild of the stored
matches, as a bulk import does.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Organisation, User
from brokerage.extensions import db
from brokerage.listings import columns, profiles, service, trade_service
from brokerage.listings.choices import Category
from brokerage.listings.models import Offer
from brokerage.matches.jobs import mark_everything_changed
from brokerage.toms.service import load_shipped_frameworks
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.app import build_test_app, fresh_database

from . import KINDS, Quality, beneficiaries, buyers, quality, queries, suppliers

STAFF = "county-staff@example.org"
DEFAULT_FROM, DEFAULT_TO = -30, 330  # an offer's availability when it does not say
PLURAL = {"opportunity": "opportunities", "need": "needs"}

# The category a member would pick: for an offer or need, from its first measure; for an
# opportunity, from what it buys.
MEASURE_CATEGORY = {
    "OIEP-S1": Category.EDUCATION,
    "OIEP-S2": Category.EDUCATION,
    "OIEP-S3": Category.EDUCATION,
    "OIEP-S7": Category.GOODS,
    "OIEP-S8": Category.GOODS,
}
TRADE_CATEGORY = {
    "555": Category.CATERING,
    "909": Category.CLEANING,
    "450": Category.CONSTRUCTION,
    "452": Category.CONSTRUCTION,
    "453": Category.CONSTRUCTION,
    "454": Category.CONSTRUCTION,
    "507": Category.CONSTRUCTION,
    "720": Category.DIGITAL,
    "726": Category.DIGITAL,
    "798": Category.PRINTING,
    "793": Category.PRINTING,
    "794": Category.PROFESSIONAL,
    "791": Category.PROFESSIONAL,
    "792": Category.PROFESSIONAL,
    "795": Category.PROFESSIONAL,
    "796": Category.EMPLOYMENT,
    "805": Category.EDUCATION,
}


def _category_of_measures(measures: dict[str, Any]) -> str:
    first = next(iter(measures))
    if first in MEASURE_CATEGORY:
        return MEASURE_CATEGORY[first].value
    if first.startswith(("OIEP-J", "NT")):
        return Category.EMPLOYMENT.value
    if first.startswith("OIEP-G"):
        return Category.PROFESSIONAL.value
    return Category.VOLUNTEERING.value


def _category_of_trades(trades: list[str]) -> str:
    return TRADE_CATEGORY.get(trades[0][:3], Category.OTHER).value


def _day(offset: int) -> date:
    return service.today() + timedelta(days=offset)


@dataclass
class Built:
    """The database ids of the county's keys, and the other way round."""

    organisations: dict[str, int] = field(default_factory=dict)
    offers: dict[str, int] = field(default_factory=dict)
    listings: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, key) -> id
    supplier_of_offer: dict[int, str] = field(default_factory=dict)
    offer_key: dict[int, str] = field(default_factory=dict)
    supplier_key: dict[int, str] = field(default_factory=dict)


def _organisation(key: str, row: dict[str, Any], kind: str) -> Organisation:
    organisation = OrganisationFactory(
        name=row["name"],
        kind=kind,
        postcode=row["postcode"],
        description=row.get("description", ""),
    )
    member = UserFactory(email=f"{key}@county.example.org")
    MembershipFactory(user_id=member.id, organisation_id=organisation.id, role="owner")
    return organisation


def _publish(listing: Any, staff: User, archived: bool = False) -> None:
    service.change_status(listing, "publish", staff)
    if archived:
        service.change_status(listing, "archive", staff)


def _add_supplier(row: dict[str, Any], staff: User, built: Built) -> None:
    organisation = _organisation(row["key"], row, "supplier")
    profiles.save_profile(
        organisation,
        profiles.ProfileFields(
            size=row["size"],
            is_vcse=row["vcse"],
            pays_real_living_wage=row["living_wage"],
            service_radius_km=row["radius_km"],
        ),
    )
    trade_service.set_organisation_trades(organisation, row["trades"])
    built.organisations[row["key"]] = organisation.id
    built.supplier_key[organisation.id] = row["key"]
    for offer in row["offers"]:
        fields = columns.OfferFields(
            title=offer["title"],
            description=offer["description"],
            category=_category_of_measures(offer["measures"]),
            postcode=row["postcode"],
            available_from=_day(offer.get("from", DEFAULT_FROM)),
            available_to=_day(offer.get("to", DEFAULT_TO)),
            measures={code: Decimal(str(q)) for code, q in offer["measures"].items()},
        )
        listing = service.create_listing(organisation, fields)
        _publish(listing, staff, offer.get("status") == "archived")
        built.offers[offer["key"]] = listing.id
        built.offer_key[listing.id] = offer["key"]
        built.supplier_of_offer[listing.id] = row["key"]


def _opportunity_fields(row: dict[str, Any]) -> columns.OpportunityFields:
    return columns.OpportunityFields(
        title=row["title"],
        description=row["description"],
        category=_category_of_trades(row["trades"]),
        postcode=row["postcode"],
        estimated_value_pence=row["value_gbp"] * 100,
        deadline=_day(row["deadline"]),
        measures={code: Decimal(str(tw[0])) for code, tw in row["measures"].items()},
        weights={code: Decimal(str(tw[1])) for code, tw in row["measures"].items()},
        trades=tuple(row["trades"]),
    )


def _need_fields(row: dict[str, Any]) -> columns.NeedFields:
    return columns.NeedFields(
        title=row["title"],
        description=row["description"],
        category=_category_of_measures(row["measures"]),
        postcode=row["postcode"],
        deadline=_day(row["deadline"]),
        quantity_wanted=Decimal(str(row["quantity"])),
        quantity_unit=row["unit"],
        measures={code: Decimal(str(q)) for code, q in row["measures"].items()},
    )


def build(staff: User) -> Built:
    """The whole county, published, in the current session (flushed, not committed)."""
    built = Built()
    for row in suppliers():
        _add_supplier(row, staff, built)
    for kind, owners, make in (
        ("opportunity", buyers(), _opportunity_fields),
        ("need", beneficiaries(), _need_fields),
    ):
        for owner in owners:
            organisation = _organisation(
                owner["key"], owner, "buyer" if kind == "opportunity" else "beneficiary"
            )
            for row in owner[PLURAL[kind]]:
                listing = service.create_listing(organisation, make(row))
                _publish(listing, staff)
                built.listings[(kind, row["key"])] = listing.id
    return built


def ranking(kind: str, items: list[dict[str, Any]], built: Built) -> list[str]:
    """The county keys an API answer ranks, best first: suppliers for an opportunity (an
    answer of offers is read as their suppliers, each at its first offer), offers for a
    need."""
    ranked: list[str] = []
    for item in items:
        if item.get("kind") == "supplier":
            key = built.supplier_key.get(item["id"], f"organisation {item['id']}")
        else:
            offer_id = int(item["ref"].removeprefix(f"{Offer.REF_PREFIX}-"))
            table = built.supplier_of_offer if kind == "opportunity" else built.offer_key
            key = table.get(offer_id, item["ref"])
        if key not in ranked:
            ranked.append(key)
    return ranked


def score(app: Flask, built: Built, token: str) -> dict[str, Quality]:
    """Every query's ranking from GET /api/v1/<kind>s/<id>/matches, and the measures."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    rankings: dict[str, dict[str, list[str]]] = {kind: {} for kind in KINDS}
    for query in queries():
        listing_id = built.listings[(query.kind, query.key)]
        response = client.get(f"/api/v1/{PLURAL[query.kind]}/{listing_id}/matches", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        items = response.get_json()["matches"]
        rankings[query.kind][query.key] = ranking(query.kind, items, built)
    return {kind: quality(kind, rankings[kind]) for kind in KINDS}


def build_and_score(app: Flask) -> dict[str, Quality]:
    """Build the county in `app`'s (empty) database, commit, and score it."""
    with app.app_context():
        load_shipped_frameworks()
        staff = UserFactory(email=STAFF, is_staff=True)
        built = build(staff)
        # One rebuild of every stored match at the commit, as a bulk import asks for,
        # rather than a recompute per listing (the same rows, a hundred times faster).
        mark_everything_changed()
        db.session.commit()
        token = accounts.create_api_token(
            db.session.scalar(select(User).where(User.email == STAFF)), "county"
        )
        db.session.commit()
        db.session.remove()
    return score(app, built, token)


@contextmanager
def scratch_app() -> Iterator[Flask]:
    """An app on a new database of its own (SQLite, or PostgreSQL beside TEST_DATABASE_URL
    as the test suite's), dropped afterwards."""
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), "county") as url:
        app = build_test_app(url, folder)
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def measure() -> dict[str, Quality]:
    """The county's figures per kind, measured on a scratch database."""
    with scratch_app() as app:
        return build_and_score(app)
