"""A beneficiary opens its need and sees the offers that fit, each with its reasons."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from brokerage.demo.data import demo_data
from tests.e2e.helpers import log_in

DEMO_PASSWORD = demo_data().password

pytestmark = pytest.mark.e2e


def test_arch_sees_reading_volunteer_offers_matched_to_its_need(
    page: Page, live_server, check_page
):
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    log_in(page, check_page, "volunteers@arch.example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Your listings").click()
    need = "90 reading helper volunteers for 46 primary schools"
    page.get_by_role("link", name=need).first.click()
    check_page(page, "need")
    page.get_by_role("link", name="See matches").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Matches for")
    first = page.locator("ol > li.card").first
    expect(first).to_contain_text("km away")
    expect(first).to_contain_text("Description fit")
    expect(first.get_by_role("heading", level=2)).to_contain_text("read", ignore_case=True)
    check_page(page, "matches")
