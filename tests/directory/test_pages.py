"""The directory pages: signed-in people only, a GET form whose filters live in the URL,
results that say how far and why, and field errors (never a 500) for bad input."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from brokerage.extensions import db
from brokerage.listings.models import Need
from tests.helpers.app import counted_statements
from tests.helpers.directory import result_names

PAGES = ["/directory/suppliers", "/directory/needs", "/directory/opportunities"]


@pytest.mark.parametrize("page", PAGES)
def test_visitors_who_are_not_signed_in_may_search(anon, page):
    response = anon.get(f"{page}?q=reading")

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_every_kind_of_signed_in_person_may_search(client_for, page):
    for client in (client_for("buyer"), client_for("supplier"), client_for("beneficiary")):
        assert client.get(page).status_code == 200


def test_a_buyer_finds_a_supplier_by_a_misspelt_word_within_ten_miles(buyer, make_supplier):
    make_supplier("Oak and Ash", postcode="OX4 4HH", offers=(("Carpentry training", "published"),))
    make_supplier("Banbury Joinery", postcode="OX16 0AH", offers=(("Carpentry", "published"),))

    html = buyer.get(
        "/directory/suppliers?q=carpentery&postcode=ox11nd&radius=10&unit=miles"
    ).get_data(as_text=True)

    assert result_names(html) == ["Oak and Ash"]
    assert "1 supplier found" in html
    assert "3.2 km away (2.0 miles)" in html
    assert "Matched: carpentry (for “carpentery”)" in unescape(html)


def test_the_form_shows_the_search_it_ran_so_the_url_is_the_search(buyer, make_supplier):
    make_supplier("Oak and Ash")

    html = buyer.get(
        "/directory/suppliers?q=oak&postcode=ox44hh&radius=5&unit=km&sort=distance"
        "&sector=construction&vcse=y&theme=Promote+Local+Skills+and+Employment&measure=OIEP-J4"
    ).get_data(as_text=True)

    assert 'name="q" type="search" value="oak"' in html
    assert 'value="OX4 4HH"' in html  # normalised as it was understood
    assert 'name="radius" type="text" value="5"' in html
    assert '<option selected value="km">' in html
    assert '<option selected value="distance">' in html
    assert '<option selected value="construction">' in html
    assert '<option selected value="OIEP-J4">' in html
    assert re.search(r'<input[^>]*checked[^>]*name="vcse"', html)
    assert '<form method="get" action="/directory/suppliers"' in html


def test_the_next_page_link_keeps_every_filter(buyer, make_supplier):
    for number in range(21):
        make_supplier(f"Supplier {number:02d}", description="Cleaning offices.")

    html = buyer.get("/directory/suppliers?q=cleaning&postcode=OX1+1ND&sort=distance")
    html = html.get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]*)" rel="next"', html).group(1))
    second = buyer.get(link).get_data(as_text=True)

    assert parse_qs(urlsplit(link).query) == {
        "q": ["cleaning"],
        "postcode": ["OX1 1ND"],
        "sort": ["distance"],
        "page": ["2"],
    }
    assert result_names(second) == ["Supplier 20"]
    assert "page 2 of 2" in second


def test_a_page_past_the_last_says_so(buyer, make_supplier):
    make_supplier("Only One")

    html = buyer.get("/directory/suppliers?page=7").get_data(as_text=True)

    assert "There is no page 7" in html
    assert 'href="/directory/suppliers?page=1"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("postcode=OX99+9ZZ", "We could not find OX99 9ZZ."),
        ("postcode=OX1+1ND&radius=-3", "Give a distance of more than 0 and up to 500."),
        ("postcode=OX1+1ND&radius=1e9", "Give a distance of more than 0 and up to 500."),
        ("postcode=OX1+1ND&unit=furlongs&radius=3", "is not miles or km."),
        ("theme=Wellbeing", "“Wellbeing” is not a theme in the catalogue."),
        ("measure=NT999", "“NT999” is not a measure in the catalogue."),
        ("page=100001", "Give a page from 1 to 100,000."),
        ("page=" + "9" * 5000, "Not a valid integer value."),
        ("page=-1", "Give a page from 1 to 100,000."),
        ("q=" + "carpentry " * 1000, "Field cannot be longer than 200 characters."),
        ("sort=distance", "Give a postcode to sort by distance."),
    ],
)
def test_bad_input_is_a_field_error_never_a_crash(buyer, query, message):
    response = buyer.get(f"/directory/needs?{query}")

    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "There is a problem" in html
    assert message in html
    assert "Correct the search to see results." in html


def test_an_owner_does_not_find_its_own_drafts_in_the_directory(
    client_for, make_need_or_opportunity, app
):
    beneficiary = client_for("beneficiary")
    draft_id = make_need_or_opportunity("need", "Our draft reading need", status="draft")
    make_need_or_opportunity("need", "A published reading need")
    with app.app_context():
        db.session.get(Need, draft_id).organisation_id = beneficiary.organisation_id
        db.session.commit()

    html = beneficiary.get("/directory/needs?q=reading").get_data(as_text=True)

    assert result_names(html) == ["A published reading need"]


def test_names_and_descriptions_are_shown_as_text(buyer, make_supplier):
    make_supplier("<b>Bold</b> Ltd", description="<script>alert(1)</script> builders")

    html = buyer.get("/directory/suppliers?q=builders").get_data(as_text=True)

    assert "&lt;b&gt;Bold&lt;/b&gt; Ltd" in html
    assert "<script>alert(1)</script>" not in html


def test_a_search_near_a_postcode_only_checks_the_postcode_exists(app, buyer, make_supplier):
    """Priority places and wards are for records saved with a place; a search asks only
    that the postcode is known (each lookup was a query on every search)."""
    make_supplier("Oak and Ash", postcode="OX4 4HH")

    with app.app_context(), counted_statements() as statements:
        html = buyer.get("/directory/suppliers?q=oak&postcode=ox44hh&radius=5").get_data(
            as_text=True
        )

    assert result_names(html) == ["Oak and Ash"]
    assert not [statement for statement in statements if "priority_place" in statement]


def test_each_page_names_its_sector_filter_whatever_another_page_named_it(anon):
    anon.get("/directory/needs?q=reading")
    suppliers = anon.get("/directory/suppliers?q=reading").get_data(as_text=True)
    needs = anon.get("/directory/needs?q=garden").get_data(as_text=True)

    assert re.search(r'<label[^>]*for="sector"[^>]*>Sector</label>', suppliers)
    assert re.search(r'<label[^>]*for="sector"[^>]*>Category</label>', needs)
