"""Signed out, a visitor browses published needs, opportunities and suppliers; drafts and
archived listings never show to them."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("kind", "board"), [("need", "/directory/needs"), ("opportunity", "/directory/opportunities")]
)
def test_a_visitor_finds_published_listings_on_the_public_boards_but_no_drafts_or_archived(
    anon, make_listing, kind, board
):
    plural = {"need": "needs", "opportunity": "opportunities"}[kind]
    published = make_listing(kind, status="published", title="Published reading helpers")
    draft = make_listing(kind, status="draft", title="Secret draft helpers")
    archived = make_listing(kind, status="archived", title="Archived old helpers")

    html = anon.get(board).get_data(as_text=True)

    assert "Published reading helpers" in html
    assert "Secret draft helpers" not in html and "Archived old helpers" not in html
    assert anon.get(f"/{plural}/{published}").status_code == 200
    assert anon.get(f"/{plural}/{draft}").status_code == 404
    assert anon.get(f"/{plural}/{archived}").status_code == 404


def test_a_visitor_sees_a_suppliers_profile_with_only_its_published_offers(
    anon, make_listing, listings_world
):
    make_listing("offer", status="published", title="Published mentoring")
    make_listing("offer", status="draft", title="Draft mentoring")
    organisation_id = listings_world.organisations["supplier"]

    html = anon.get(f"/organisations/{organisation_id}/profile").get_data(as_text=True)

    assert "Published mentoring" in html
    assert "Draft mentoring" not in html
    assert "supplier@example.org" not in html


def test_the_signed_out_home_page_leads_to_the_public_pages(anon):
    html = anon.get("/").get_data(as_text=True)
    for path in (
        "/directory/needs",
        "/directory/opportunities",
        "/directory/suppliers",
        "/plan/working-groups",
        "/about-social-value",
    ):
        assert f'href="{path}"' in html
    assert "Themes, Outcomes and Measures" in anon.get("/about-social-value").get_data(as_text=True)


@pytest.mark.parametrize(("kind", "plural"), [("need", "needs"), ("opportunity", "opportunities")])
def test_a_visitor_reading_a_listings_measures_is_told_what_toms_are(
    anon, make_listing, kind, plural
):
    listing = make_listing(kind, status="published", title="Published reading helpers")

    html = anon.get(f"/{plural}/{listing}").get_data(as_text=True)

    assert "TOMs are Themes, Outcomes and Measures" in html
    assert '<a href="/about-social-value">TOMs in plain words</a>' in html


def test_a_visitor_reading_a_profile_is_given_no_session_cookie(anon, listings_world):
    """A page with no button to press makes no CSRF token, so it starts no session."""
    organisation_id = listings_world.organisations["supplier"]

    response = anon.get(f"/organisations/{organisation_id}/profile")

    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
