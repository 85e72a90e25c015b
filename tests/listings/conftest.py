"""Listings fixtures: the shipped TOMs catalogue, a world of organisations of every kind
with one member each, and listings made through the service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import service
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.listings import ORGANISATION_KINDS, ListingsWorld, listing_fields
from tests.helpers.web import log_in


@pytest.fixture(autouse=True)
def _catalogue(shipped_catalogue: None) -> None:
    """Every listings test has the TOMs frameworks that ship with the app."""


@pytest.fixture
def listings_world(create: Callable[..., Any]) -> ListingsWorld:
    organisations, emails = {}, {}
    for kind in ("supplier", "buyer", "beneficiary"):
        for key, postcode in ((kind, "OX4 2JY"), (f"{kind}_2", "OX1 1ND")):
            organisation = create(
                OrganisationFactory, name=f"Test {key}", kind=kind, postcode=postcode
            )
            user = create(UserFactory, email=f"{key}@example.org")
            create(
                MembershipFactory,
                user_id=user.id,
                organisation_id=organisation.id,
                role="member",
            )
            organisations[key], emails[key] = organisation.id, user.email
    emails["staff"] = create(UserFactory, email="staff@example.org", is_staff=True).email
    return ListingsWorld(organisations, emails)


@pytest.fixture
def listings_client(app: Flask, listings_world: ListingsWorld) -> Callable[[str, str], FlaskClient]:
    """`listings_client("offer", "same_kind")`: logged in as that person towards an offer."""

    def _client(kind: str, role: str) -> FlaskClient:
        client = app.test_client()
        return client if role == "anon" else log_in(client, listings_world.role_email(kind, role))

    return _client


@pytest.fixture
def make_listing(app: Flask, listings_world: ListingsWorld) -> Callable[..., int]:
    """`make_listing("offer", status="published", title=...)`: a listing of the owning
    organisation of that kind (or `organisation` key), made by the service; its id."""

    def _make(
        kind: str, status: str = "draft", organisation: str | None = None, **changes: Any
    ) -> int:
        with app.app_context():
            owner = db.session.get(
                Organisation,
                listings_world.organisations[organisation or ORGANISATION_KINDS[kind]],
            )
            listing = service.create_listing(owner, listing_fields(kind, **changes))
            listing.status = status
            db.session.commit()
            return listing.id

    return _make
