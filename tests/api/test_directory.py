"""The directory search as JSON: its shape, its 400s for every bad parameter (with the
field named, as the page names it), and its 401 without credentials."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers.api import bearer

# As in tests/directory: the shipped catalogue, and an index that looks on every search.
pytestmark = pytest.mark.usefixtures("shipped_catalogue")


ENDPOINTS = ["/api/v1/suppliers", "/api/v1/needs", "/api/v1/opportunities"]


@pytest.fixture
def buyer_token(create, token_for) -> dict[str, str]:
    user = create(factories.UserFactory)
    return bearer(token_for(user.id))


def test_suppliers_answer_with_distance_score_and_why(anon, buyer_token, make_supplier):
    supplier_id = make_supplier(
        "Oak and Ash", postcode="OX4 4HH", offers=(("Carpentry apprenticeships", "published"),)
    )
    make_supplier("Banbury Carpentry", postcode="OX16 0AH")

    response = anon.get(
        "/api/v1/suppliers?q=carpentery&postcode=ox11nd&radius_km=16", headers=buyer_token
    )

    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("page", "pages", "per_page", "total")} == {
        "page": 1,
        "pages": 1,
        "per_page": 20,
        "total": 1,
    }
    [result] = body["results"]
    assert result["id"] == supplier_id
    assert result["ref"] == f"ORG-{supplier_id}"
    assert result["name"] == "Oak and Ash"
    assert result["distance_km"] == 3.2
    assert result["why"] == ["carpentry (for “carpentery”)"]
    assert 0.8 <= result["score"] < 1


def test_needs_and_opportunities_list_only_published_ones(
    anon, buyer_token, make_need_or_opportunity
):
    make_need_or_opportunity("need", "Reading volunteers")
    make_need_or_opportunity("need", "Draft reading volunteers", status="draft")
    make_need_or_opportunity("opportunity", "Reading programme")
    make_need_or_opportunity("opportunity", "Archived reading programme", status="archived")

    needs = anon.get("/api/v1/needs?q=reading", headers=buyer_token).get_json()
    opportunities = anon.get("/api/v1/opportunities?q=reading", headers=buyer_token).get_json()

    assert [r["name"] for r in needs["results"]] == ["Reading volunteers"]
    assert needs["results"][0]["ref"].startswith("NEED-")
    assert [r["name"] for r in opportunities["results"]] == ["Reading programme"]
    assert opportunities["results"][0]["ref"].startswith("OPP-")


def test_per_page_and_page_split_the_results(anon, buyer_token, make_supplier):
    for number in range(5):
        make_supplier(f"Supplier {number}")

    body = anon.get("/api/v1/suppliers?per_page=2&page=3", headers=buyer_token).get_json()

    assert (body["total"], body["pages"], body["page"]) == (5, 3, 3)
    assert [r["name"] for r in body["results"]] == ["Supplier 4"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("postcode=OX99+9ZZ", "postcode", "We could not find OX99 9ZZ."),
        ("postcode=not-a-postcode", "postcode", "is not a UK postcode"),
        ("postcode=OX1+1ND&radius_km=-5", "radius_km", "more than 0 and up to 500"),
        ("postcode=OX1+1ND&radius_km=0", "radius_km", "more than 0 and up to 500"),
        ("postcode=OX1+1ND&radius_km=501", "radius_km", "more than 0 and up to 500"),
        ("postcode=OX1+1ND&radius_km=nan", "radius_km", "more than 0 and up to 500"),
        ("radius_km=5", "radius_km", "Give a postcode"),
        ("sort=distance", "sort", "Give a postcode to sort by distance."),
        ("sort=cheapest", "sort", "is not relevance or distance"),
        ("theme=Wellbeing", "theme", "“Wellbeing” is not a theme in the catalogue."),
        ("measure=NT999", "measure", "“NT999” is not a measure in the catalogue."),
        ("sector=mining", "sector", "is not a sector"),
        ("size=huge", "size", "is not a size"),
        ("q=" + "x" * 10_000, "q", "200 characters"),
    ],
)
def test_bad_parameters_are_400_naming_the_field(anon, buyer_token, query, field, message):
    response = anon.get(f"/api/v1/suppliers?{query}", headers=buyer_token)

    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert body["reason"]
    assert message in " ".join(body["fields"][field])


@pytest.mark.parametrize("query", ["page=0", "page=99999999999", "per_page=101", "page=x"])
def test_pages_out_of_range_are_400(anon, buyer_token, query):
    response = anon.get(f"/api/v1/needs?{query}", headers=buyer_token)

    assert response.status_code == 400
    assert "page must be between 1" in response.get_json()["reason"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_without_credentials_the_search_is_401(anon, endpoint):
    response = anon.get(f"{endpoint}?q=reading")

    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorised"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_signed_in_browser_session_may_search(supplier, endpoint):
    response = supplier.get(endpoint)

    assert response.status_code == 200
    assert set(response.get_json()) == {"results", "page", "pages", "per_page", "total"}
