"""Stored-matches fixtures, shared with the API's tests: a small county (a buyer, two
beneficiaries and four suppliers, each with a member) whose listings are made and published
through the listings service (so its signals fire, as in the app)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from brokerage.accounts.models import Organisation, User
from brokerage.extensions import db
from brokerage.listings import profiles, service
from brokerage.listings.kinds import KINDS
from brokerage.matches import scene, store
from brokerage.matches.models import Match
from brokerage.matches.supplier_models import SupplierMatch
from brokerage.matching import score_pair
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.listings import listing_fields

MODELS = {kind.name: kind.model for kind in KINDS}
ORGANISATIONS = {
    "buyer": ("buyer", "OX1 1ND"),
    "arch": ("beneficiary", "OX4 2JY"),
    "parents": ("beneficiary", "OX1 1ND"),
    "readers": ("supplier", "OX4 2JY"),
    "printers": ("supplier", "OX1 1ND"),
    "cleaners": ("supplier", "OX4 4HH"),
    "caterers": ("supplier", "OX4 1JE"),
}
STAFF = "staff@example.org"
# What the county's offers give, and the trades its suppliers work in (CPV codes).
READING = {"OIEP-S1": Decimal(40)}
VOLUNTEERING = {"OIEP-S6": Decimal(40)}
JOBS = {"OIEP-J1": Decimal(3)}
CLEANING = "90910000"
CATERING = "55520000"
TRANSLATION = "79530000"


@pytest.fixture
def small_top_n(monkeypatch: pytest.MonkeyPatch) -> None:
    """Top 2 instead of 10, so that a handful of listings fills rankings and pushes out."""
    monkeypatch.setattr(scene, "TOP_N", 2)
    monkeypatch.setattr(store, "TOP_N", 2)


@dataclass(frozen=True)
class County:
    app: Flask
    organisations: dict[str, int]

    def email(self, key: str) -> str:
        return f"{key}@example.org"

    def list(self, kind: str, owner: str, publish: bool = True, **changes: Any) -> int:
        """A listing of `owner`, made (and published) through the service and committed."""
        with self.app.app_context():
            organisation = db.session.get(Organisation, self.organisations[owner])
            listing = service.create_listing(organisation, listing_fields(kind, **changes))
            if publish:
                service.change_status(listing, "publish", self.staff())
            db.session.commit()
            return listing.id

    def act(self, kind: str, listing_id: int, action: str) -> None:
        with self.app.app_context():
            listing = db.session.get(MODELS[kind], listing_id)
            service.change_status(listing, action, self.staff())
            db.session.commit()

    def edit(self, kind: str, listing_id: int, **changes: Any) -> None:
        with self.app.app_context():
            listing = db.session.get(MODELS[kind], listing_id)
            service.update_listing(listing, listing_fields(kind, **changes))
            db.session.commit()

    def staff(self) -> User:
        return db.session.scalar(select(User).where(User.email == STAFF))


@pytest.fixture
def county(app: Flask, create: Callable[..., Any]) -> County:
    organisations = {}
    for key, (kind, postcode) in ORGANISATIONS.items():
        organisation = create(OrganisationFactory, name=key.title(), kind=kind, postcode=postcode)
        user = create(UserFactory, email=f"{key}@example.org")
        create(MembershipFactory, user_id=user.id, organisation_id=organisation.id, role="owner")
        organisations[key] = organisation.id
    create(UserFactory, email=STAFF, is_staff=True)
    return County(app, organisations)


def reading_need(**changes: Any) -> dict[str, Any]:
    return {"title": "Reading volunteers for schools", "category": "education", **changes}


def offer(title: str, postcode: str, measures: dict[str, Decimal], **changes: Any) -> dict:
    return {"title": title, "postcode": postcode, "measures": measures, **changes}


def stored(in_app: Callable) -> dict[tuple[int, str, int], tuple]:
    """Every stored row: (offer id, seeker kind, seeker id) -> (rounded score, ranks, state)."""

    def read() -> dict[tuple[int, str, int], tuple]:
        db.session.expire_all()
        return {
            (
                m.offer_id,
                "need" if m.need_id else "opportunity",
                m.need_id or m.opportunity_id,
            ): (round(m.score, 6), m.seeker_rank, m.offer_rank, m.state)
            for m in db.session.scalars(select(Match))
        }

    return in_app(read)


def forget_stored_reasons(in_app: Callable) -> None:
    """Clear every stored match's reasons (as for pairs kept only for an offer's ranking),
    so that showing them has to work them out."""

    def clear() -> None:
        db.session.execute(update(Match.__table__).values(reasons=None))
        db.session.commit()

    in_app(clear)


def reference_reasons(match: Match) -> list[str]:
    """The pair's reasons from the per-pair reference scorer, with the whole pool's weights."""
    current = scene.Scene()
    listings, wanted = current.seekers(scene.SIDE_OF[type(match.seeker)])
    result = score_pair(
        wanted[listings.index[match.seeker.id]],
        current.candidates[current.offers.index[match.offer_id]],
        current.catalogue,
        current.in_force.policy,
        current.pool.word_weight,
    )
    assert result is not None and abs(result.score - match.score) < 1e-9
    return list(result.reasons)


def supplier_rows(in_app: Callable) -> dict[tuple[int, int], tuple]:
    """(opportunity id, organisation id) -> (score, ranks, offers, computed at)."""

    def read() -> dict[tuple[int, int], tuple]:
        db.session.expire_all()
        return {
            (row.opportunity_id, row.organisation_id): (
                round(row.score, 6),
                row.opportunity_rank,
                row.supplier_rank,
                tuple(row.offer_ids),
                row.computed_at,
            )
            for row in db.session.scalars(select(SupplierMatch))
        }

    return in_app(read)


def set_profile(county: County, key: str, trades: tuple[str, ...], **profile: Any) -> None:
    """Save a supplier's profile and trades through the service (its signal fires)."""
    with county.app.app_context():
        organisation = db.session.get(Organisation, county.organisations[key])
        profiles.save_profile(
            organisation,
            profiles.ProfileFields(size="small", service_radius_km=25, trades=trades, **profile),
        )
        db.session.commit()


def versions(in_app: Callable) -> dict[int, tuple[int, Any]]:
    """Row id -> (version, computed_at): what tells a row was rewritten."""
    return in_app(
        lambda: {
            m.id: (m.version, m.computed_at)
            for m in db.session.scalars(select(Match).execution_options(populate_existing=True))
        }
    )
