"""Staff try a draft matching policy that weighs location more, and see local offers move
up the demo's opportunities and needs, with the reasons, before deciding to publish."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from brokerage.accounts.models import Organisation
from brokerage.demo.data import demo_data
from brokerage.extensions import db
from brokerage.listings.models import Need, Offer, Opportunity
from brokerage.types import utcnow
from tests.e2e.helpers import log_in

DEMO_PASSWORD = demo_data().password

pytestmark = pytest.mark.e2e


def test_staff_try_a_draft_that_weighs_location_more_and_see_offers_move(
    page: Page, live_server, check_page
):
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    _demo_listings_changed_last(live_server.app)

    log_in(page, check_page, "staff@oiep.example.org", DEMO_PASSWORD)
    page.goto("/matching/policy")
    page.get_by_role("link", name="Try a draft first").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Try a draft matching policy")
    expect(page.get_by_label("Weight of location")).to_have_value("0.3")
    check_page(page, "sandbox")

    page.get_by_label("Weight of location").fill("2")
    page.get_by_role("button", name="Try this draft").click()
    expect(page.get_by_role("heading", name="What would change")).to_be_visible()
    expect(page.get_by_label("Weight of location")).to_have_value("2")
    # An offer the nearer place lifts: up the ranking, or into it from below the minimum
    # (which of the two depends on what the demo's needs list under the rules in force).
    moved_up = page.get_by_role("row").filter(has_text=re.compile(r"\bup \d+|\bEntered\b"))
    expect(moved_up.first).to_contain_text(re.compile(r"[Ll]ocation counts 0.74 instead of 0.30"))
    expect(page.get_by_role("button", name="Publish this policy")).to_be_visible()
    check_page(page, "sandbox-tried")
    page.set_viewport_size({"width": 390, "height": 844})
    check_page(page, "sandbox-tried-390")
    # On a phone each row reads down the screen: its "why" is on it, not off to the right.
    why = moved_up.first.locator("td").last
    expect(why).to_contain_text(re.compile(r"[Ll]ocation counts 0.74"))
    box = why.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box


def _demo_listings_changed_last(app: Flask) -> None:
    """The sandbox samples the most recently changed listings; other journeys on this shared
    server publish newer ones, so the demo's listings are marked changed now, as if staff had
    just edited them, and the sample is the demo's whatever ran before."""
    names = [organisation.name for organisation in demo_data().organisations]
    with app.app_context():
        demo = select(Organisation.id).where(Organisation.name.in_(names))
        for model in (Offer, Need, Opportunity):
            db.session.execute(
                update(model).where(model.organisation_id.in_(demo)).values(updated_at=utcnow())
            )
        db.session.commit()
