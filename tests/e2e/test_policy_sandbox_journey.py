"""Staff try a draft matching policy that weighs location more, and see local offers move
up the demo's opportunities and needs, with the reasons, before deciding to publish."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from brokerage.demo.data import demo_data
from tests.e2e.helpers import log_in

DEMO_PASSWORD = demo_data().password

pytestmark = pytest.mark.e2e


def test_staff_try_a_draft_that_weighs_location_more_and_see_offers_move(
    page: Page, live_server, check_page
):
    result = live_server.app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

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
    # Other journeys share the live server and add listings of their own, so how far an
    # offer moves depends on what ran before: any offer moved up says why.
    moved_up = page.get_by_role("row").filter(has_text=re.compile(r"\bup \d+"))
    expect(moved_up.first).to_contain_text("location counts 0.74 instead of 0.30")
    expect(page.get_by_role("button", name="Publish this policy")).to_be_visible()
    check_page(page, "sandbox-tried")
