"""Directory fixtures, shared with the API's tests: suppliers, needs and opportunities made
through the listings service, as the pages would make them (with the shipped TOMs
catalogue loaded); and the names a results page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from flask import Flask

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import columns, profiles, service
from brokerage.listings.models import Profile
from brokerage.matching.near_words import NearWords
from brokerage.types import utcnow
from tests.factories import OrganisationFactory
from tests.helpers.listings import listing_fields

Maker = Callable[..., int]


def vocabulary_comparisons(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The words the directory compares with an index's vocabulary from now on, in order
    (each is a word whose matches the index did not keep)."""
    compared: list[str] = []
    near = NearWords.near

    def counted(self: NearWords, word: str, cutoff: float) -> list[tuple[str, float, int]]:
        compared.append(word)
        return near(self, word, cutoff)

    monkeypatch.setattr(NearWords, "near", counted)
    return compared


def result_names(html: str) -> list[str]:
    """The names of the results on a directory page, in their order."""
    return [
        unescape(name)
        for name in re.findall(r'<h3 class="h5 card-title mb-1"><a [^>]*>([^<]*)</a>', html)
    ]


def _profile(organisation: Organisation, verified: bool, **fields: Any) -> None:
    profiles.save_profile(organisation, profiles.ProfileFields(**fields))
    if verified:
        profile: Profile = profiles.profile_of(organisation)  # type: ignore[assignment]
        profile.verified, profile.verified_at = True, utcnow()


# The listings tests' valid fields, with no description: its words would match searches.
QUIET = {"description": "", "measures": {"OIEP-S6": Decimal(40)}, "postcode": "OX4 4HH"}


def offer_fields(title: str, **changes: Any) -> columns.ListingFields:
    return listing_fields("offer", **{**QUIET, "title": title, **changes})


@pytest.fixture
def make_supplier(app: Flask) -> Maker:
    """`make_supplier("Oak Joinery", offers=[("Carpentry training", "published")])`: a
    supplier organisation with a profile (`verified`, `sector`, `size`, flags) and offers
    of the given titles and statuses; its id."""

    def _make(
        name: str,
        *,
        postcode: str = "OX4 4HH",
        description: str = "A local firm.",
        offers: tuple[tuple[str, str], ...] = (),
        offer_changes: dict[str, Any] | None = None,
        verified: bool = False,
        **profile: Any,
    ) -> int:
        with app.app_context():
            organisation = OrganisationFactory(
                name=name, kind="supplier", postcode=postcode, description=description
            )
            _profile(organisation, verified, **profile)
            for title, status in offers:
                offer = service.create_listing(
                    organisation, offer_fields(title, **(offer_changes or {}))
                )
                offer.status = status
            db.session.commit()
            return organisation.id

    return _make


@pytest.fixture
def make_need_or_opportunity(app: Flask) -> Maker:
    """`make_need_or_opportunity("need", "Reading volunteers", status="published")`: a need (of a
    beneficiary) or opportunity (of a buyer) of a new organisation; its id."""

    def _make(
        kind: str,
        title: str,
        *,
        status: str = "published",
        organisation: str | None = None,
        verified: bool = False,
        **changes: Any,
    ) -> int:
        owner_kind = "beneficiary" if kind == "need" else "buyer"
        with app.app_context():
            owner = OrganisationFactory(
                kind=owner_kind, **({"name": organisation} if organisation else {})
            )
            _profile(owner, verified)
            fields = listing_fields(kind, title=title, description="", **changes)
            listing = service.create_listing(owner, fields)
            listing.status = status
            db.session.commit()
            return listing.id

    return _make
