"""Saving, locating, publishing and archiving listings, and what the database refuses."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from brokerage.accounts.models import Organisation, User
from brokerage.errors import BrokerageError
from brokerage.extensions import db
from brokerage.listings import profiles, service
from brokerage.listings.errors import InvalidTransition, NotAllowed
from brokerage.listings.models import (
    Need,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
    Profile,
)
from brokerage.places.service import priority_places
from tests.commits import recorded_commits
from tests.helpers.listings import (
    KIND_NAMES,
    ORGANISATION_KINDS,
    listing_fields,
    load,
    priority_place_in_blackbird_leys,
)
from tests.helpers.web import post_form


def organisation(listings_world, key):
    return db.session.get(Organisation, listings_world.organisations[key])


def person(listings_world, key):
    return db.session.scalar(select(User).where(User.email == listings_world.emails[key]))


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_new_listing_is_a_draft_located_at_its_postcode(in_app, listings_world, kind):
    def create():
        owner = organisation(listings_world, ORGANISATION_KINDS[kind])
        listing = service.create_listing(owner, listing_fields(kind, postcode="ox10 7nl"))
        return listing.status, listing.postcode, listing.easting, listing.northing, listing.district

    assert in_app(create) == ("draft", "OX10 7NL", 457012, 196490, "South Oxfordshire")


@pytest.mark.parametrize(
    ("kind", "prefix"), [("offer", "OFF"), ("opportunity", "OPP"), ("need", "NEED")]
)
def test_a_listings_ref_names_its_kind_and_id(in_app, make_listing, kind, prefix):
    listing_id = make_listing(kind)

    assert in_app(lambda: load(kind, listing_id).ref) == f"{prefix}-{listing_id}"


def test_a_listing_in_a_priority_place_is_flagged_with_its_name(in_app, listings_world):
    def create():
        priority_place_in_blackbird_leys("Blackbird Leys")
        owner = organisation(listings_world, "beneficiary")
        inside = service.create_listing(owner, listing_fields("need", postcode="OX4 6JZ"))
        outside = service.create_listing(owner, listing_fields("need", postcode="OX1 1ND"))
        return inside.priority_place, outside.priority_place

    assert in_app(create) == ("Blackbird Leys", None)


def test_refreshing_locations_flags_listings_in_a_priority_place_added_later(
    in_app, listings_world
):
    def refresh():
        need = service.create_listing(
            organisation(listings_world, "beneficiary"), listing_fields("need", postcode="OX4 6JZ")
        )
        priority_place_in_blackbird_leys("The Leys", replace_listings=False)
        return service.refresh_locations(), need.priority_place

    assert in_app(refresh) == (1, "The Leys")


def test_staff_changing_a_priority_place_re_places_the_listings_in_a_queued_job(
    in_app, listings_world, staff
):
    def need_in_blackbird_leys_ward() -> int:
        need = service.create_listing(
            organisation(listings_world, "beneficiary"), listing_fields("need", postcode="OX4 6AE")
        )
        db.session.commit()
        return need.id

    need_id = in_app(need_in_blackbird_leys_ward)
    assert in_app(lambda: load("need", need_id).priority_place) is None

    response = post_form(
        staff,
        "/places/priority-places/new",
        {"name": "The Estate", "local_authority": "Oxford", "wards": "Blackbird Leys"},
    )

    assert response.status_code == 302
    assert [p.name for p in in_app(priority_places)] == ["The Estate"]
    assert in_app(lambda: load("need", need_id).priority_place) == "The Estate"


@pytest.mark.parametrize(
    ("kind", "wrong"), [("offer", "buyer"), ("opportunity", "supplier"), ("need", "buyer")]
)
def test_an_organisation_of_the_wrong_kind_cannot_list(in_app, listings_world, kind, wrong):
    def create():
        with pytest.raises(NotAllowed):
            service.create_listing(organisation(listings_world, wrong), listing_fields(kind))
        return db.session.scalars(select(Offer)).all()

    assert in_app(create) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"measures": {"NOT-A-CODE": Decimal(1)}},
        {"measures": {"OIEP-S1": Decimal(0)}},
        {"measures": {"OIEP-S1": Decimal(-4)}},
        {"available_from": service.today(), "available_to": service.today() - timedelta(1)},
        {"postcode": "not a postcode"},
        {"postcode": "OX99 9ZZ"},
    ],
)
def test_the_service_refuses_what_the_forms_refuse(in_app, listings_world, changes):
    def create():
        with pytest.raises(BrokerageError):
            service.create_listing(
                organisation(listings_world, "supplier"), listing_fields("offer", **changes)
            )
        return db.session.scalars(select(Offer)).all()

    assert in_app(create) == []


def test_updating_a_listing_keeps_the_rows_of_codes_it_keeps_and_drops_the_rest(
    in_app, make_listing
):
    listing_id = make_listing("offer")

    def update():
        offer = load("offer", listing_id)
        kept_row = next(row.id for row in offer.measures if row.measure_code == "OIEP-S1")
        service.update_listing(
            offer,
            listing_fields("offer", measures={"OIEP-S1": Decimal(6), "OIEP-J4": Decimal(2)}),
        )
        db.session.commit()
        offer = load("offer", listing_id)
        rows = [(row.measure_code, row.quantity) for row in offer.measures]
        return rows, kept_row in [row.id for row in offer.measures], offer.updated_at is not None

    assert in_app(update) == ([("OIEP-S1", Decimal(6)), ("OIEP-J4", Decimal(2))], True, True)


def test_an_opportunitys_measures_keep_their_targets_and_weights(in_app, make_listing):
    listing_id = make_listing(
        "opportunity",
        measures={"OIEP-J1": Decimal(3), "OIEP-G3": Decimal(1)},
        weights={"OIEP-J1": Decimal("2.5")},
    )

    rows = in_app(
        lambda: [
            (r.measure_code, r.target, r.weight) for r in load("opportunity", listing_id).measures
        ]
    )

    assert rows == [("OIEP-J1", Decimal(3), Decimal("2.5")), ("OIEP-G3", Decimal(1), Decimal(1))]


# The database keeps the invariants too.


@pytest.mark.parametrize(
    "make_row",
    [
        lambda offer: offer.measures.append(
            OfferMeasure(measure_code="OIEP-J4", quantity=Decimal(0))
        ),
        lambda offer: offer.measures.append(
            OfferMeasure(measure_code="OIEP-S1", quantity=Decimal(1))
        ),
        lambda offer: setattr(offer, "status", "deleted"),
        lambda offer: setattr(offer, "category", "weapons"),
        lambda offer: setattr(offer, "title", ""),
        lambda offer: (
            setattr(offer, "available_from", service.today()),
            setattr(offer, "available_to", service.today() - timedelta(days=1)),
        ),
    ],
    ids=["zero quantity", "same code twice", "status", "category", "empty title", "dates"],
)
def test_the_database_refuses_a_broken_offer(in_app, make_listing, make_row):
    listing_id = make_listing("offer")

    def break_it():
        offer = load("offer", listing_id)
        make_row(offer)
        with pytest.raises(IntegrityError):
            db.session.flush()

    in_app(break_it)


@pytest.mark.parametrize(
    ("model", "column", "value"),
    [
        (Opportunity, "estimated_value_pence", -1),
        (Need, "quantity_wanted", Decimal(0)),
    ],
)
def test_the_database_refuses_amounts_that_are_not_positive(
    in_app, make_listing, model, column, value
):
    kind = {Opportunity: "opportunity", Need: "need"}[model]
    listing_id = make_listing(kind)

    def break_it():
        setattr(load(kind, listing_id), column, value)
        with pytest.raises(IntegrityError):
            db.session.flush()

    in_app(break_it)


@pytest.mark.parametrize("weight", [Decimal(0), Decimal(-1), Decimal(101)])
def test_the_database_refuses_a_weight_out_of_range(in_app, make_listing, weight):
    listing_id = make_listing("opportunity")

    def break_it():
        opportunity = load("opportunity", listing_id)
        opportunity.measures.append(
            OpportunityMeasure(measure_code="OIEP-G3", target=Decimal(1), weight=weight)
        )
        with pytest.raises(IntegrityError):
            db.session.flush()

    in_app(break_it)


# Status


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_member_publishes_archives_and_publishes_again(
    in_app, listings_world, make_listing, kind
):
    listing_id = make_listing(kind)

    def walk():
        listing, member = load(kind, listing_id), person(listings_world, ORGANISATION_KINDS[kind])
        seen = []
        for action in ("publish", "archive", "publish"):
            service.change_status(listing, action, member)
            seen.append(listing.status)
        return seen, listing.published_at is not None

    assert in_app(walk) == (["published", "archived", "published"], True)


@pytest.mark.parametrize(
    ("status", "action"),
    [("published", "publish"), ("archived", "archive"), ("draft", "unpublish")],
)
def test_a_listing_cannot_move_where_its_status_does_not_lead(
    in_app, listings_world, make_listing, status, action
):
    listing_id = make_listing("offer", status=status)

    def move():
        with pytest.raises(InvalidTransition):
            service.change_status(
                load("offer", listing_id), action, person(listings_world, "staff")
            )

    in_app(move)


def test_a_listing_whose_deadline_has_passed_cannot_be_published(
    in_app, listings_world, make_listing
):
    listing_id = make_listing("need")

    def publish():
        need = load("need", listing_id)
        with pytest.raises(InvalidTransition, match="change its dates"):
            service.change_status(
                need,
                "publish",
                person(listings_world, "beneficiary"),
                on=need.deadline + timedelta(1),
            )
        return need.status

    assert in_app(publish) == "draft"


def test_only_staff_unpublish_and_only_members_and_staff_publish(
    in_app, listings_world, make_listing
):
    published = make_listing("offer", status="published")
    draft = make_listing("offer")

    def try_them():
        with pytest.raises(NotAllowed):
            service.change_status(
                load("offer", published), "unpublish", person(listings_world, "supplier")
            )
        with pytest.raises(NotAllowed):
            service.change_status(
                load("offer", draft), "publish", person(listings_world, "supplier_2")
            )
        service.change_status(
            load("offer", published), "unpublish", person(listings_world, "staff")
        )
        return load("offer", published).status, load("offer", draft).status

    assert in_app(try_them) == ("draft", "draft")


def test_an_organisations_listings_come_drafts_first_and_published_only_when_asked(
    in_app, listings_world, make_listing
):
    published = make_listing("offer", status="published", title="Published")
    draft = make_listing("offer", title="Draft")
    make_listing("offer", status="published", organisation="supplier_2", title="Other")

    def lists():
        owner = organisation(listings_world, "supplier")
        every = service.listings_of(owner, Offer, published_only=False)
        public = service.listings_of(owner, Offer, published_only=True)
        return [o.id for o in every], [o.id for o in public]

    assert in_app(lists) == ([draft, published], [published])


# Profiles


def test_a_profile_is_made_when_first_saved_and_keeps_its_verification(in_app, listings_world):
    def save():
        supplier = organisation(listings_world, "supplier")
        profiles.set_verified(supplier, True, person(listings_world, "staff"))
        profiles.save_profile(
            supplier,
            profiles.ProfileFields(sector="catering", size="micro", service_radius_km=25),
        )
        profile = profiles.profile_of(supplier)
        return (
            profile.sector,
            profile.size,
            profile.service_radius_km,
            profile.verified,
            profile.verified_by.email,
        )

    assert in_app(save) == ("catering", "micro", 25, True, "staff@example.org")


def test_only_staff_verify_an_organisation(in_app, listings_world):
    def verify():
        with pytest.raises(NotAllowed):
            profiles.set_verified(
                organisation(listings_world, "supplier"), True, person(listings_world, "supplier")
            )
        return db.session.scalars(select(Profile)).all()

    assert in_app(verify) == []


def test_withdrawing_verification_clears_when_and_by_whom(in_app, listings_world):
    def withdraw():
        supplier, staff = organisation(listings_world, "supplier"), person(listings_world, "staff")
        profiles.set_verified(supplier, True, staff)
        profile = profiles.set_verified(supplier, False, staff)
        return profile.verified, profile.verified_at, profile.verified_by

    assert in_app(withdraw) == (False, None, None)


def test_the_database_refuses_a_verified_profile_without_a_date(in_app, listings_world):
    def break_it():
        db.session.add(
            Profile(organisation=organisation(listings_world, "supplier"), verified=True)
        )
        with pytest.raises(IntegrityError):
            db.session.flush()

    in_app(break_it)


def test_the_refresh_command_places_listings_in_a_new_priority_place_once(
    app, in_app, listings_world
):
    def need_in_the_leys():
        need = service.create_listing(
            organisation(listings_world, "beneficiary"), listing_fields("need", postcode="OX4 6JZ")
        )
        priority_place_in_blackbird_leys("The Leys", replace_listings=False)
        db.session.commit()
        return need.id

    need_id = in_app(need_in_the_leys)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["listings", "refresh-locations"])
    again = runner.invoke(args=["listings", "refresh-locations"])
    assert (first.exit_code, again.exit_code) == (0, 0)
    assert "1 listing changed place." in first.output
    assert "0 listings changed place." in again.output
    assert in_app(lambda: load("need", need_id).priority_place) == "The Leys"


# What a commit tells its subscribers


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_saving_and_publishing_a_listing_is_committed_as_a_change_of_that_listing(
    app, in_app, listings_world, kind
):
    def save_then_publish() -> tuple[type, int]:
        owner = organisation(listings_world, ORGANISATION_KINDS[kind])
        listing = service.create_listing(owner, listing_fields(kind))
        db.session.commit()
        service.update_listing(listing, listing_fields(kind, title="Renamed"))
        db.session.commit()
        service.change_status(listing, "publish", person(listings_world, ORGANISATION_KINDS[kind]))
        db.session.commit()
        return type(listing), listing.id

    with recorded_commits(app) as commits:
        model, listing_id = in_app(save_then_publish)

    actions = [
        [c.action for c in commit.changes if (c.model, c.identity) == (model, listing_id)]
        for commit in commits
    ]
    assert [each for each in actions if each] == [["created"], ["changed"], ["changed"]]


def test_saving_a_profile_is_committed_as_a_change_of_that_organisation(
    app, in_app, listings_world
):
    def save() -> int:
        supplier = organisation(listings_world, "supplier")
        profiles.save_profile(supplier, profiles.ProfileFields(sector="catering", size="micro"))
        db.session.commit()
        return supplier.id

    with recorded_commits(app) as commits:
        supplier_id = in_app(save)

    (profile,) = [c for commit in commits for c in commit.changes if c.model is Profile]
    assert profile.topic == "organisations"
    assert profile.links["organisation_id"] == supplier_id
