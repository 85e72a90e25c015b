"""A supplier lists a social value offer through the real forms; a buyer then finds the
supplier in the directory by a misspelt word, within 10 miles of a postcode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from brokerage.extensions import db
from brokerage.toms.service import load_shipped_frameworks
from tests.e2e.helpers import Person, create_organisation, list_an_offer, register, unique

pytestmark = pytest.mark.e2e

SUPPLIER = "Supplier (SME, social enterprise, charity)"
BUYER = "Buyer (council, university, large employer)"


def _catalogue_loaded(live_server) -> None:
    with live_server.app.app_context():
        load_shipped_frameworks()
        db.session.commit()


def test_a_buyer_finds_a_new_supplier_by_a_misspelt_word_within_ten_miles(
    page: Page, new_page, live_server, check_page, outbox
):
    _catalogue_loaded(live_server)
    supplier_name = unique("Cowley Joinery")
    register(page, check_page, outbox, Person.new("Sam"))
    create_organisation(page, check_page, supplier_name, SUPPLIER)
    list_an_offer(page, check_page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Find").click()
    page.get_by_role("navigation", name="Directory").get_by_role(
        "link", name="Community needs"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find community needs")
    check_page(page, "directory-needs")

    buyer = new_page()
    register(buyer, check_page, outbox, Person.new("Bea"))
    create_organisation(buyer, check_page, unique("County Procurement"), BUYER)
    buyer.get_by_role("navigation", name="Main").get_by_role("link", name="Find").click()
    expect(buyer.get_by_role("heading", level=1)).to_have_text("Find suppliers")
    buyer.get_by_label("Words").fill("carpentery")
    buyer.get_by_label("Near postcode").fill("ox1 1nd")
    buyer.get_by_label("Within").fill("10")
    buyer.get_by_role("button", name="Search").click()

    result = buyer.locator("li.card", has_text=supplier_name)
    expect(result).to_contain_text("3.2 km away (2.0 miles)")
    expect(result).to_contain_text("Matched: carpentry (for “carpentery”)")
    expect(result).to_contain_text("Living Wage")
    assert "q=carpentery" in buyer.url and "radius=10" in buyer.url
    check_page(buyer, "directory-results")

    result.get_by_role("link", name=supplier_name).click()
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(supplier_name)
    expect(buyer.get_by_role("main")).to_contain_text("Carpentry apprenticeships")
