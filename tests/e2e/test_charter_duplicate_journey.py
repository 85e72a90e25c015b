"""A possible duplicate charter sign-up in Chromium, on a phone-sized screen: a visitor signs
up under a name like an approved signee's, staff find it flagged in the queue and merge it;
and the public impact page's table of offered, delivered and verified reads at 390 px."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from brokerage.charter import pledges as charter_pledges
from brokerage.charter import service as charter
from brokerage.extensions import db
from tests.e2e.helpers import CheckPage, LiveServer, log_in
from tests.helpers.charter_journey import new_charter_staff, sign_the_charter

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _approved_signee(live_server: LiveServer, name: str) -> None:
    with live_server.app.app_context():
        pledge = charter_pledges.current_pledges()[0]
        details = charter.SignUp(
            organisation_name=name,
            kind="supplier",
            postcode="OX4 1AA",
            sector="private",
            size="small",
            employees=20,
            contact_name="Dee Li",
            contact_email=f"dee-{uuid.uuid4().hex[:6]}@example.org",
            listed_publicly=False,
            pledges={pledge.id: "Buy locally."},
        )
        charter.approve(charter.sign_up(details, charter.today()).signee, None)
        db.session.commit()
        db.session.remove()


def test_staff_merge_a_possible_duplicate_from_the_queue_on_a_phone(
    page: Page, check_page: CheckPage, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    staff = new_charter_staff(live_server)
    name = f"Headington Deli {uuid.uuid4().hex[:6]}"
    _approved_signee(live_server, name)

    sign_the_charter(page, check_page, f"{name.upper()} LIMITED")

    log_in(page, check_page, staff.email, staff.password)
    page.goto("/charter/queue")
    flagged = page.get_by_role("region", name=re.compile(f"{name.upper()} LIMITED"))
    expect(flagged).to_contain_text(f"Possible duplicate It may be {name}")
    expect(flagged.get_by_role("button", name="Approve")).to_have_count(0)
    check_page(page, "queue-with-a-possible-duplicate")
    flagged.get_by_role("button", name=f"Merge into {name}").click()
    expect(page.locator(".flash-messages")).to_contain_text("merged into the signee")
    expect(page.get_by_role("region", name=re.compile(name))).to_contain_text(
        "Pledges added by a later sign-up"
    )
    check_page(page, "queue-after-the-merge")


def test_the_impact_page_reads_on_a_phone(page: Page, check_page: CheckPage) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/impact")
    expect(
        page.get_by_role("heading", name="Offered, delivered and verified, by supplier")
    ).to_be_visible()
    check_page(page, "impact")
