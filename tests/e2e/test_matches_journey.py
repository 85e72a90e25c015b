"""With the demo data served, the three matches pages people meet first, at 1280 and 390 px:
a buyer's opportunity and the suppliers that fit it, ARCh's need and the offers that fit it,
and a supplier's "For you". Each page goes through the Journey checks and is kept as
matches-<page>-<px>.png beside the journeys' screenshots (JOURNEY_SHOTS), and at 390 px
again with the signed-in "More" menu open (matches-<page>-390-more.png): the screenshots
issue 21 asks for."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from brokerage.demo.data import demo_data
from tests.e2e.helpers import JOURNEY_SHOTS, SHOWN, WIDTHS, Journey, LiveServer, follow_nav, log_in

DEMO_PASSWORD = demo_data().password

pytestmark = pytest.mark.e2e

StartJourney = Callable[[str, str], tuple[Journey, Page]]


@pytest.fixture(scope="module")
def demo(live_server: LiveServer) -> None:
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _signed_in(
    start_journey: StartJourney, persona: str, width: str, email: str
) -> tuple[Journey, Page]:
    journey, page = start_journey(persona, width)
    log_in(page, journey, email, DEMO_PASSWORD)
    expect(page.locator(".flash-messages")).to_contain_text("You are logged in.")
    # Until its stylesheet loads, the menu button shows at any width (and follow_nav would
    # press it at 1280 px, where it then hides).
    page.wait_for_load_state("load")
    return journey, page


def _matches_of(page: Page, title: str) -> Locator:
    """From "Your listings", the listing's matches page: its first match."""
    follow_nav(page, "Your listings")
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("link", name="See matches").click()
    return page.locator("ol > li.card").first


def _keep(page: Page, journey: Journey, name: str) -> None:
    """Check the page and keep it as matches-<name>-<px>.png; at 390 px open the "More" menu
    (behind the menu button), check it and keep it open as matches-<name>-390-more.png."""
    journey(page, name)
    width = WIDTHS[journey.width_name]
    page.screenshot(path=JOURNEY_SHOTS / f"matches-{name}-{width}.png", full_page=True)
    if journey.width_name != "phone":
        return
    page.locator(".navbar-toggler").click()
    expect(page.locator("#main-nav")).to_have_class(SHOWN)
    page.get_by_role("navigation", name="Main").get_by_role("button", name="More").click()
    expect(page.locator(".navbar .dropdown-menu.show")).to_be_visible()
    journey(page, f"{name}-more", contrast_in="header")
    page.screenshot(path=JOURNEY_SHOTS / f"matches-{name}-{width}-more.png")
    page.keyboard.press("Escape")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_buyer_sees_the_suppliers_of_the_trade_its_opportunity_needs(
    demo: None, start_journey: StartJourney, width: str
):
    journey, page = _signed_in(start_journey, "county-buyer", width, "buyer@county.example.org")

    first = _matches_of(page, "Office cleaning at County Hall")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Suppliers for Office cleaning at County Hall"
    )
    expect(first.get_by_role("heading", level=2)).to_contain_text("Cleaning")
    expect(first).to_contain_text("Right trade")
    _keep(page, journey, "opportunity")


@pytest.mark.parametrize("width", WIDTHS)
def test_arch_sees_reading_volunteer_offers_matched_to_its_need(
    demo: None, start_journey: StartJourney, width: str
):
    journey, page = _signed_in(start_journey, "arch", width, "volunteers@arch.example.org")

    first = _matches_of(page, "90 reading helper volunteers for 46 primary schools")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Matches for")
    expect(first).to_contain_text("km away")
    expect(first).to_contain_text("Description fit")
    expect(first.get_by_role("heading", level=2)).to_contain_text("read", ignore_case=True)
    _keep(page, journey, "need")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_supplier_sees_what_it_could_bid_for_and_the_needs_it_could_help(
    demo: None, start_journey: StartJourney, width: str
):
    journey, page = _signed_in(start_journey, "print-supplier", width, "sales@tvprint.example.org")
    follow_nav(page, "For you")

    expect(page.get_by_role("heading", level=1)).to_have_text("For you")
    bids = page.locator("section[aria-labelledby=bid-heading] li.card")
    expect(bids.first).to_contain_text("Print and design services")
    expect(page.get_by_role("heading", name="Needs you could help")).to_be_visible()
    _keep(page, journey, "for-you")
