"""The county map on its three pages, in Chromium at 1280 and 390 px: the directory's
suppliers and the needs board with a dot per result, the impact page's shaded districts and
priority places. Each page passes axe, fits a phone's width, keeps the map's text at 12 px or
more, and shows the map and its table with JavaScript switched off. Screenshots go to the
usual folder (test-output/screenshots)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.places import service as places
from tests.e2e.helpers import (
    MIN_CHART_TEXT,
    SMALLEST_CHART_TEXT,
    LiveServer,
    check_page_accessible,
    serving,
)
from tests.factories import OrganisationFactory
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.directory import _profile, offer_fields
from tests.helpers.listings import listing_fields
from tests.helpers.review import build_review_world

pytestmark = pytest.mark.e2e

# The screenshots' widths, and the narrowest widths of Bootstrap's lg and md layouts, where
# the map's column is narrowest (its text must still be 12 px there).
WIDTHS = {
    "1280": {"width": 1280, "height": 900},
    "390": {"width": 390, "height": 844},
    "992": {"width": 992, "height": 900},
    "768": {"width": 768, "height": 900},
}
PAGES = {
    "suppliers": ("/directory/suppliers", "Where the suppliers on this page are"),
    "needs": ("/directory/needs", "Where the needs on this page are"),
    "impact": ("/impact", "Verified outcomes by district, with the priority places"),
}
POSTCODES = ["OX4 4HH", "OX16 0BZ", "OX20 1XS", "OX14 3JE", "OX10 7LA", "OX28 1NB", "OX1 1ND"]


def _seed() -> None:
    """Suppliers and published needs across the districts, and the nine priority places
    (the review world, built first, holds one verified outcome in Oxford)."""
    places.load_reference_priority_places()
    for number, postcode in enumerate(POSTCODES * 2):
        supplier = OrganisationFactory(
            name=f"Map Supplier {number + 1}", kind="supplier", postcode=postcode
        )
        _profile(supplier, False)
        listings.create_listing(supplier, offer_fields(f"Offer {number + 1}")).status = "published"
        charity = OrganisationFactory(kind="beneficiary", postcode=postcode)
        need = listings.create_listing(
            charity, listing_fields("need", title=f"Need {number + 1}", postcode=postcode)
        )
        need.status = "published"
    db.session.commit()


@pytest.fixture(scope="module")
def map_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(tmp_path_factory.mktemp("map-db"), "map") as database_url:
        app = build_test_app(database_url, str(tmp_path_factory.mktemp("map-outbox")))
        build_review_world(app)
        with app.app_context():
            _seed()
            db.session.remove()
        with serving(app) as server:
            yield server


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_the_map_page_is_accessible_fits_the_screen_and_its_text_is_legible(
    new_context, map_server: LiveServer, name: str, width: str
):
    path, title = PAGES[name]
    page: Page = new_context(viewport=WIDTHS[width]).new_page()
    page.goto(map_server.url + path)

    svg = page.locator("svg.map-svg").first  # the impact page also enlarges Oxford
    expect(svg).to_be_visible()
    expect(svg.locator("title").first).to_have_text(title)
    shot = f"map-{name}-{width}"
    check_page_accessible(page, shot)
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll[0] <= scroll[1], f"{path} is {scroll[0]} px wide at {scroll[1]} px"
    assert page.evaluate(SMALLEST_CHART_TEXT) >= MIN_CHART_TEXT
    if name != "impact":  # one dot for each postcode the results show
        shown = page.locator("li.card p.small").all_inner_texts()
        postcodes = {re.search(r"[A-Z]{2}\d+ \d[A-Z]{2}", text).group(0) for text in shown}
        assert len(shown) >= 14 and len(postcodes) >= len(POSTCODES)
        assert svg.locator("circle.map-dot").count() == len(postcodes)


@pytest.mark.parametrize("name", PAGES)
def test_the_map_and_its_table_need_no_javascript(new_context, map_server, name):
    path, title = PAGES[name]
    page: Page = new_context(java_script_enabled=False).new_page()
    page.goto(map_server.url + path)

    expect(page.get_by_role("img", name=title)).to_be_visible()
    expect(page.locator("figure.county-map figcaption").first).to_contain_text("Martin Chorley")
    caption = "as on the map"
    expect(page.locator("table", has=page.locator("caption", has_text=caption))).to_be_visible()
