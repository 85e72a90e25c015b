"""Each persona's home page in Chromium at 1280 and 390 px: the task list with its counts,
or an empty state saying what to do first; signed out, the public pages. Axe-checked and
screenshotted (test-output/screenshots/home_page_for_each_persona-*)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.charter import pledges as pledge_service
from brokerage.charter import service as charter
from brokerage.charter.models import Pledge
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.delivery import DeliveryReport, record_delivery
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.e2e.helpers import CheckPage, LiveServer, Person, log_in, new_member
from tests.helpers.charter import sign_up_details
from tests.helpers.listings import listing_fields

pytestmark = pytest.mark.e2e

WIDTHS = {"wide": 1280, "phone": 390}


def _world(live_server: LiveServer) -> dict[str, Person]:
    """A delivery waiting for ARCh's confirmation (and the task force's verification), a
    charter sign-up waiting for staff, a buyer with an opportunity still in draft."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        load_shipped_frameworks()
        pledge_service.load_pledges()
        orgs = {
            "supplier": Organisation(name=f"Print {tag}", kind="supplier", postcode="OX4 2JY"),
            "arch": Organisation(name=f"ARCh {tag}", kind="beneficiary", postcode="OX4 2JY"),
            "buyer": Organisation(name=f"City Council {tag}", kind="buyer", postcode="OX1 1ND"),
        }  # fmt: skip
        db.session.add_all(orgs.values())
        staff = new_member(None, "Stella", staff=True)
        users = {
            "supplier": new_member(orgs["supplier"], "Sam"),
            "arch": new_member(orgs["arch"], "Bea"),
            "buyer": new_member(orgs["buyer"], "Bob"),
            "task_force": new_member(None, "Tess", task_force=True),
            "staff": staff,
        }
        offer = listings.create_listing(orgs["supplier"], listing_fields("offer", title="Readers"))
        need = listings.create_listing(orgs["arch"], listing_fields("need", title="Helpers"))
        for listing in (offer, need):
            listings.change_status(listing, "publish", staff)
        listings.create_listing(orgs["buyer"], listing_fields("opportunity", title="Meals"))
        db.session.flush()
        match = db.session.scalar(
            select(Match).where(Match.offer_id == offer.id, Match.need_id == need.id)
        ) or Match(
            offer_id=offer.id, need_id=need.id, score=0.8, location_score=1, toms_score=0.5,
            fit_score=0.5, distance_m=100.0, reasons=[], policy_version=1,
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
        advance(match, State.INTEREST_EXPRESSED, users["supplier"])
        advance(match, State.IN_DISCUSSION, users["arch"])
        advance(match, State.AGREED, users["arch"])
        report = DeliveryReport(date.today(), date.today(), {"OIEP-S6": 40}, evidence="Sheets")
        record_delivery(match, users["supplier"], report, date.today(), seen_version=None)
        pledge = db.session.scalars(select(Pledge)).first()
        charter.sign_up(
            sign_up_details({pledge.id: "Local bread."}, organisation_name=f"Bakery {tag}"),
            date.today(),
        )
        db.session.commit()
        people = {key: Person(name=user.name, email=user.email) for key, user in users.items()}
        db.session.remove()
    return people


EXPECTED = {
    "supplier": "Nothing waits for you now",
    "arch": "Deliveries to confirm",
    "buyer": "Drafts not yet published",
    "task_force": "Outcomes to verify",
    "staff": "Charter sign-ups to approve",
}


def test_home_page_for_each_persona(
    live_server: LiveServer, page: Page, check_page: CheckPage, new_page
) -> None:
    people = _world(live_server)
    for width_name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/")
        expect(page.get_by_role("link", name="Needs board")).to_be_visible()
        check_page(page, f"signed-out-{width_name}")
    for key, person in people.items():
        browser_page = new_page()
        log_in(browser_page, lambda *_: None, person.email, person.password)
        for width_name, width in WIDTHS.items():
            browser_page.set_viewport_size({"width": width, "height": 900})
            browser_page.goto("/")
            expect(browser_page.get_by_role("main")).to_contain_text(EXPECTED[key])
            if key == "task_force":
                expect(browser_page.get_by_role("main")).not_to_contain_text(
                    "Set up your organisation"
                )
            check_page(browser_page, f"{key}-{width_name}")
