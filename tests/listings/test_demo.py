"""The demo seed lists the delivery plan's real needs, with offers and opportunities
around them, once."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from brokerage.demo.service import seed_demo
from brokerage.extensions import db
from brokerage.listings.models import Need, Offer, Opportunity, Profile
from brokerage.matching.text import fit_words
from brokerage.toms.service import measures_by_code


def _needs():
    return {
        (need.organisation.name, need.status): need.quantities
        for need in db.session.scalars(select(Need))
        if "Funding" not in need.title
    }


def test_the_demo_lists_the_delivery_plans_needs(in_app):
    def seed():
        seed_demo()
        return _needs()

    assert in_app(seed) == {
        ("Assisted Reading for Children (ARCh)", "published"): {
            "OIEP-S1": Decimal(90),
            "OIEP-S2": Decimal(46),
        },
        ("Growing Minds", "published"): {"OIEP-S5": None, "OIEP-S7": Decimal(76003)},
        ("Parent Power", "published"): {"OIEP-S4": Decimal(6), "OIEP-S8": Decimal(6)},
    }


def test_the_demo_offers_and_opportunities_use_only_codes_in_the_catalogue(in_app):
    def seed():
        seed_demo()
        listings = [
            *db.session.scalars(select(Offer)),
            *db.session.scalars(select(Opportunity)),
            *db.session.scalars(select(Need)),
        ]
        codes = {code for listing in listings for code in listing.quantities}
        sides = {type(listing).__name__ for listing in listings if listing.is_published}
        return codes - set(measures_by_code(codes)), sides, len(listings)

    unknown, sides, how_many = in_app(seed)
    assert unknown == set()
    assert sides == {"Offer", "Opportunity", "Need"}
    assert how_many >= 10


def test_the_demo_opportunities_invent_no_contract_values(in_app):
    def seed():
        seed_demo()
        return {o.estimated_value_pence for o in db.session.scalars(select(Opportunity))}

    assert in_app(seed) == {None}


def test_seeding_the_demo_twice_adds_no_listings_or_profiles(in_app):
    def seed_twice():
        seed_demo()
        db.session.commit()
        counted = [
            len(db.session.scalars(select(model)).all())
            for model in (Offer, Opportunity, Need, Profile)
        ]
        again = seed_demo().created
        recounted = [
            len(db.session.scalars(select(model)).all())
            for model in (Offer, Opportunity, Need, Profile)
        ]
        return counted, recounted, again

    counted, recounted, again = in_app(seed_twice)
    assert counted == recounted
    assert again == []


def test_the_demo_says_it_is_a_demo_only_in_words_matching_never_counts(in_app):
    """Every demo listing opens by saying it is fictional; those words must not count as
    fit between two demo listings (a match once read "Description fit 43%: demonstration")."""

    def openings():
        seed_demo()
        listings = [*db.session.scalars(select(Offer)), *db.session.scalars(select(Need))]
        listings += db.session.scalars(select(Opportunity))
        return [
            listing.description.split(":", 1)[0]
            for listing in listings
            if listing.description and listing.description.startswith("Demo listing")
        ]

    found = in_app(openings)
    assert found
    counted = {word for opening in found for word in fit_words(opening)}
    assert counted == set()
