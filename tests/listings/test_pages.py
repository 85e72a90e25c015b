"""Creating and editing listings and profiles through their forms: what is stored, what
is shown, and bad input refused with a field error and nothing saved."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.listings import service
from brokerage.listings.models import Need, Offer, Opportunity, Profile
from tests.helpers.listings import KIND_NAMES, ORGANISATION_KINDS, form_data, kind_named, load
from tests.helpers.pages import count, field_error, flashed, page_text, visible_text
from tests.helpers.web import post_form

MODELS = {"offer": Offer, "opportunity": Opportunity, "need": Need}


def new_path(listings_world, kind):
    organisation_id = listings_world.organisations[ORGANISATION_KINDS[kind]]
    return f"/organisations/{organisation_id}/{kind_named(kind).plural}/new"


def only(model):
    return db.session.scalars(select(model)).one()


def days(n):
    return (service.today() + timedelta(days=n)).isoformat()


# Creating


def test_a_supplier_lists_an_offer_as_a_draft_with_its_measures_and_place(
    listings_client, listings_world, in_app
):
    client = listings_client("offer", "member")

    response = post_form(client, new_path(listings_world, "offer"), form_data("offer"))

    offer_id = in_app(lambda: only(Offer).id)
    assert response.headers["Location"] == f"/offers/{offer_id}"
    page = client.get(response.headers["Location"])
    text = page_text(page)
    assert f"OFF-{offer_id} is saved: publish it when it is ready." in flashed(page)
    assert "OIEP-S1 Reading helper volunteers placed in primary schools 4 volunteers" in text
    assert "OIEP-S6 Employee volunteering hours on local community projects 40 hours" in text
    assert '<span class="text-nowrap">OX4 2JY</span>, Oxford' in page.get_data(as_text=True)
    stored = in_app(
        lambda: (
            only(Offer).status,
            only(Offer).postcode,
            only(Offer).district,
            only(Offer).quantities,
        )
    )
    assert stored == (
        "draft",
        "OX4 2JY",
        "Oxford",
        {"OIEP-S1": Decimal(4), "OIEP-S6": Decimal(40)},
    )


def test_a_buyer_lists_an_opportunity_with_its_value_targets_and_weights(
    listings_client, listings_world, in_app
):
    client = listings_client("opportunity", "member")

    response = post_form(client, new_path(listings_world, "opportunity"), form_data("opportunity"))

    text = page_text(client.get(response.headers["Location"]))
    assert "£250,000" in text and "£250,000.00" not in text
    assert (
        "OIEP-J1 People aged over 50 recruited by employers engaged in the programme 3 people 2"
        in text
    )
    stored = in_app(
        lambda: (
            only(Opportunity).estimated_value_pence,
            [(m.measure_code, m.target, m.weight) for m in only(Opportunity).measures],
        )
    )
    assert stored == (25_000_000, [("OIEP-J1", Decimal(3), Decimal(2))])


def test_a_beneficiary_lists_a_need_with_measures_that_want_any_amount(
    listings_client, listings_world, in_app
):
    client = listings_client("need", "member")

    response = post_form(client, new_path(listings_world, "need"), form_data("need"))

    text = page_text(client.get(response.headers["Location"]))
    assert "Wanted 90 volunteers" in text
    assert "OIEP-S2 Primary schools supported with reading volunteers Any schools" in text
    assert in_app(lambda: only(Need).quantities) == {"OIEP-S1": Decimal(90), "OIEP-S2": None}


def test_the_new_listing_form_starts_with_the_organisations_postcode(
    listings_client, listings_world
):
    page = (
        listings_client("offer", "member")
        .get(new_path(listings_world, "offer"))
        .get_data(as_text=True)
    )

    assert 'value="OX4 2JY"' in page


def test_html_in_a_description_is_stored_as_written_and_shown_escaped(
    listings_client, listings_world, in_app
):
    client = listings_client("offer", "member")
    hostile = '<script>alert("x")</script> <b>bold</b>'

    response = post_form(
        client, new_path(listings_world, "offer"), form_data("offer", description=hostile)
    )

    assert in_app(lambda: only(Offer).description) == hostile
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html


# Bad input: a field error, the typed values kept, nothing saved.

BAD = [
    ("offer", {"measures:OIEP-S1": "-4"}, "measures", "OIEP-S1: the quantity cannot be negative."),
    ("offer", {"measures:OIEP-S1": "0"}, "measures", "OIEP-S1: the quantity must be more than 0."),
    ("offer", {"measures:OIEP-S1": "999999999999"}, "measures", "check the number"),
    ("offer", {"measures:OIEP-S1": "lots"}, "measures", "must be a number"),
    (
        "offer",
        {"measures": ["OIEP-S1", "XX-99"], "measures:XX-99": "1"},
        "measures",
        "XX-99 is not a measure in the catalogue.",
    ),
    (
        "offer",
        {"measures": [], "measures:OIEP-S1": "", "measures:OIEP-S6": ""},
        "measures",
        "Tick at least one measure",
    ),
    ("offer", {"available_to": days(-1)}, "available_to", "This date has passed"),
    (
        "offer",
        {"available_from": days(10), "available_to": days(5)},
        "available_to",
        "cannot come before its start",
    ),
    ("offer", {"available_to": "2300-01-01"}, "available_to", "check the year"),
    ("offer", {"available_from": "31/02/2025"}, "available_from", "Not a valid date value."),
    ("offer", {"title": "x" * 161}, "title", "Field cannot be longer than 160 characters."),
    ("offer", {"title": ""}, "title", "This field is required."),
    ("offer", {"title": "<b>Offer</b>"}, "title", "cannot contain < or >"),
    (
        "offer",
        {"description": "x" * 4001},
        "description",
        "Field cannot be longer than 4000 characters.",
    ),
    ("offer", {"description": "Text\x00with a null"}, "description", "control characters"),
    ("offer", {"category": "weapons"}, "category", "Not a valid choice."),
    ("offer", {"postcode": "OX99 9ZZ"}, "postcode", "We cannot find OX99 9ZZ"),
    ("offer", {"postcode": "not a postcode"}, "postcode", "is not a UK postcode"),
    ("opportunity", {"deadline": days(-1)}, "deadline", "This date has passed"),
    ("opportunity", {"deadline": ""}, "deadline", "Give the deadline."),
    ("opportunity", {"estimated_value": "-5"}, "estimated_value", "cannot be negative"),
    ("opportunity", {"estimated_value": "a lot"}, "estimated_value", "must be an amount in pounds"),
    ("opportunity", {"estimated_value": "£99,000,000,000"}, "estimated_value", "check the number"),
    (
        "opportunity",
        {"weights:OIEP-J1": "0"},
        "weights",
        "OIEP-J1: the weight must be more than 0.",
    ),
    ("opportunity", {"weights:OIEP-J1": "1000"}, "weights", "check the number"),
    ("opportunity", {"weights:OIEP-J2": "3"}, "weights", "OIEP-J2: tick the measure above"),
    ("need", {"deadline": days(-3)}, "deadline", "This date has passed"),
    ("need", {"quantity_wanted": "-90"}, "quantity_wanted", "The number cannot be negative."),
    ("need", {"quantity_unit": ""}, "quantity_unit", "Say what the number counts"),
    ("need", {"measures:OIEP-S2": "-1"}, "measures", "OIEP-S2: the quantity cannot be negative."),
]


@pytest.mark.parametrize(("kind", "changes", "field", "message"), BAD)
def test_bad_input_gets_a_field_error_and_saves_nothing(
    listings_client, listings_world, in_app, kind, changes, field, message
):
    response = post_form(
        listings_client(kind, "member"), new_path(listings_world, kind), form_data(kind, **changes)
    )

    assert response.status_code == 400
    assert message in page_text(response)
    assert "There is a problem" in page_text(response)
    assert in_app(lambda: count(MODELS[kind])) == 0
    if field not in ("measures", "weights"):
        assert message in field_error(response, field)


def test_a_refused_form_keeps_what_was_typed(listings_client, listings_world):
    response = post_form(
        listings_client("offer", "member"),
        new_path(listings_world, "offer"),
        form_data("offer", title="Kept title", **{"measures:OIEP-S1": "-4"}),
    )

    html = response.get_data(as_text=True)
    assert 'value="Kept title"' in html
    assert 'value="-4"' in html
    assert 'value="OIEP-S6" id="measures-OIEP-S6" checked' in html


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_bad_edit_changes_nothing(listings_client, make_listing, in_app, kind):
    listing_id = make_listing(kind)

    response = post_form(
        listings_client(kind, "member"),
        f"/{kind_named(kind).plural}/{listing_id}/edit",
        form_data(kind, title="Changed", postcode="OX99 9ZZ"),
    )

    assert response.status_code == 400
    assert in_app(lambda: load(kind, listing_id).title) == "Reading helpers for east Oxford schools"


# Editing


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_edit_form_starts_with_the_listing_as_saved(listings_client, make_listing, kind):
    listing_id = make_listing(kind)

    html = (
        listings_client(kind, "member")
        .get(f"/{kind_named(kind).plural}/{listing_id}/edit")
        .get_data(as_text=True)
    )

    assert 'value="Reading helpers for east Oxford schools"' in html
    assert 'value="OX4 2JY"' in html
    code = {"offer": "OIEP-S1", "opportunity": "OIEP-J1", "need": "OIEP-S1"}[kind]
    assert f'value="{code}" id="measures-{code}" checked' in html


def _toms_explained(response):
    """The words explaining TOMs above a listing's form ("" when there are none)."""
    html = response.get_data(as_text=True)
    found = re.search(r'<div class="toms-explained[^"]*">(.*?)</div>', html, re.S)
    return visible_text(found.group(1)) if found else ""


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_the_edit_form_explains_toms_as_the_new_listing_form_does(
    listings_client, listings_world, make_listing, kind
):
    client = listings_client(kind, "member")
    listing_id = make_listing(kind)

    on_new = _toms_explained(client.get(new_path(listings_world, kind)))
    on_edit = _toms_explained(client.get(f"/{kind_named(kind).plural}/{listing_id}/edit"))

    assert on_new.startswith("What are TOMs? Themes, Outcomes and Measures")
    assert on_edit == on_new


def test_an_opportunitys_edit_form_shows_its_value_and_weights(listings_client, make_listing):
    listing_id = make_listing("opportunity")

    html = (
        listings_client("opportunity", "member")
        .get(f"/opportunities/{listing_id}/edit")
        .get_data(as_text=True)
    )

    assert 'value="£250,000.00"' in html
    assert 'name="weights:OIEP-J1" id="weights-OIEP-J1" value="2"' in html
    assert "<details" in html and " open>" in html


def test_editing_an_offer_changes_its_measures_and_place(listings_client, make_listing, in_app):
    listing_id = make_listing("offer")
    changes = {
        "measures": ["OIEP-J4"],
        "measures:OIEP-J4": "2",
        "measures:OIEP-S1": "",
        "measures:OIEP-S6": "",
        "postcode": "OX16 5QE",
    }

    response = post_form(
        listings_client("offer", "member"),
        f"/offers/{listing_id}/edit",
        form_data("offer", **changes),
    )

    assert response.status_code == 302
    stored = in_app(
        lambda: (load("offer", listing_id).quantities, load("offer", listing_id).district)
    )
    assert stored == ({"OIEP-J4": Decimal(2)}, "Cherwell")


# Publishing


def test_publishing_from_the_listing_page_shows_it_to_others(listings_client, make_listing, in_app):
    listing_id = make_listing("offer")
    member = listings_client("offer", "member")

    response = post_form(member, f"/offers/{listing_id}/publish", {}, page=f"/offers/{listing_id}")

    assert f"OFF-{listing_id} is published." in flashed(member.get(response.headers["Location"]))
    assert in_app(lambda: load("offer", listing_id).status) == "published"
    assert listings_client("offer", "same_kind").get(f"/offers/{listing_id}").status_code == 200


def test_publishing_a_listing_whose_date_has_passed_says_why(listings_client, make_listing, in_app):
    listing_id = make_listing("opportunity", deadline=service.today() - timedelta(days=1))
    member = listings_client("opportunity", "member")

    response = post_form(
        member, f"/opportunities/{listing_id}/publish", {}, page=f"/opportunities/{listing_id}"
    )

    messages = flashed(member.get(response.headers["Location"]))
    assert any("change its dates before publishing it" in m for m in messages)
    assert in_app(lambda: load("opportunity", listing_id).status) == "draft"


def test_archiving_an_archived_listing_says_it_cannot(listings_client, make_listing):
    listing_id = make_listing("need", status="archived")
    member = listings_client("need", "member")

    response = post_form(member, f"/needs/{listing_id}/archive", {}, page=f"/needs/{listing_id}")

    assert f"NEED-{listing_id} is archived, so it cannot be archived." in flashed(
        member.get(response.headers["Location"])
    )


def test_staff_see_an_unpublish_button_that_members_do_not(listings_client, make_listing):
    listing_id = make_listing("offer", status="published")

    staff = page_text(listings_client("offer", "staff").get(f"/offers/{listing_id}"))
    member = page_text(listings_client("offer", "member").get(f"/offers/{listing_id}"))

    assert "Unpublish (staff)" in staff
    assert "Unpublish" not in member and "Archive" in member


def test_your_listings_shows_the_drafts_of_your_organisations(listings_client, make_listing):
    make_listing("offer", title="Our draft offer")
    make_listing("offer", organisation="supplier_2", title="Someone else's offer")

    text = page_text(listings_client("offer", "member").get("/listings/"))

    assert "Our draft offer" in text and "Draft" in text
    assert "Someone else's offer" not in text


# Profiles


def test_a_supplier_fills_in_its_profile(listings_client, listings_world, in_app):
    supplier = listings_world.organisations["supplier"]
    client = listings_client("offer", "member")

    response = post_form(
        client,
        f"/organisations/{supplier}/profile/edit",
        {
            "sector": "catering",
            "size": "small",
            "is_vcse": "y",
            "pays_real_living_wage": "y",
            "service_radius_km": "25",
            "website": "www.cowley-bakery.example.org",
        },
    )

    assert response.status_code == 302
    text = page_text(client.get(response.headers["Location"]))
    assert "Catering and food" in text and "Small (10 to 49 employees)" in text
    assert "Within 25 km of OX4 2JY" in text
    assert "VCSE organisation · Real Living Wage employer" in text
    assert in_app(lambda: only(Profile).website) == "https://www.cowley-bakery.example.org"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website": "javascript:alert(1)"}, "website", "Enter a web address"),
        ({"website": "javascript://example.org/%0Aalert(1)"}, "website", "Enter a web address"),
        ({"website": "https://localhost"}, "website", "Enter a web address"),
        ({"website": "https://user:pass@example.org"}, "website", "Enter a web address"),
        ({"service_radius_km": "-5"}, "service_radius_km", "Give 1 to 500 km."),
        ({"service_radius_km": "100000"}, "service_radius_km", "Give 1 to 500 km."),
        ({"service_radius_km": "ten"}, "service_radius_km", "Not a valid integer value."),
        ({"size": "huge"}, "size", "Not a valid choice."),
    ],
)
def test_a_bad_profile_gets_a_field_error_and_saves_nothing(
    listings_client, listings_world, in_app, changes, field, message
):
    response = post_form(
        listings_client("offer", "member"),
        f"/organisations/{listings_world.organisations['supplier']}/profile/edit",
        changes,
    )

    assert response.status_code == 400
    assert message in field_error(response, field)
    assert in_app(lambda: count(Profile)) == 0


@pytest.mark.parametrize("blank", [" ", "\t", "   \n"])
@pytest.mark.parametrize("field", ["sector", "size"])
def test_a_blank_sector_or_size_is_saved_as_not_stated(
    listings_client, listings_world, in_app, field, blank
):
    response = post_form(
        listings_client("offer", "member"),
        f"/organisations/{listings_world.organisations['supplier']}/profile/edit",
        {field: blank, "service_radius_km": "25"},
    )

    assert response.status_code == 302
    profile = in_app(lambda: only(Profile))
    assert not getattr(profile, field)
    assert profile.service_radius_km == 25


def test_a_buyers_profile_asks_nothing_only_a_supplier_needs(listings_client, listings_world):
    html = (
        listings_client("opportunity", "member")
        .get(f"/organisations/{listings_world.organisations['buyer']}/profile/edit")
        .get_data(as_text=True)
    )

    assert 'name="pays_real_living_wage"' in html
    assert 'name="service_radius_km"' not in html and 'name="is_vcse"' not in html


def test_a_buyer_cannot_set_a_service_radius_by_posting_one(
    listings_client, listings_world, in_app
):
    post_form(
        listings_client("opportunity", "member"),
        f"/organisations/{listings_world.organisations['buyer']}/profile/edit",
        {"size": "large", "service_radius_km": "30"},
    )

    assert in_app(lambda: (only(Profile).size, only(Profile).service_radius_km)) == ("large", None)


def test_staff_verify_an_organisation_and_its_badge_shows_on_its_listings(
    listings_client, listings_world, make_listing
):
    listing_id = make_listing("offer", status="published")
    supplier = listings_world.organisations["supplier"]
    staff = listings_client("offer", "staff")

    profile = f"/organisations/{supplier}/profile"
    # The token from the profile page's own button, as staff press it.
    response = post_form(staff, f"{profile}/verify", {}, page=profile)

    assert "Test supplier is verified." in flashed(staff.get(response.headers["Location"]))
    other = listings_client("offer", "same_kind")
    assert "Test supplier verified" in page_text(other.get(f"/organisations/{supplier}/profile"))
    assert "Test supplier verified" in page_text(other.get(f"/offers/{listing_id}"))
    assert "Verify organisation" not in page_text(other.get(f"/organisations/{supplier}/profile"))


def test_a_listing_page_shows_its_ward_and_priority_place(listings_client, make_listing, app):
    from brokerage.places.service import load_reference_priority_places

    with app.app_context():
        load_reference_priority_places()
        db.session.commit()
    inside = make_listing("need", postcode="OX10 7AA")
    outside = make_listing("need", postcode="OX2 7PA")
    member = listings_client("need", "member")

    assert "Ward Berinsfield (2013 wards) · priority place: Berinsfield" in page_text(
        member.get(f"/needs/{inside}")
    )
    assert "Ward Summertown (2013 wards) · priority place: none" in page_text(
        member.get(f"/needs/{outside}")
    )


def test_a_new_supplier_reads_what_toms_are_on_its_first_offer(listings_client, listings_world):
    text = page_text(listings_client("offer", "member").get(new_path(listings_world, "offer")))

    assert "What are TOMs? Themes, Outcomes and Measures" in text
    assert "See every theme and measure in the TOMs catalogue" in text
