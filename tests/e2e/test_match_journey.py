"""A match from suggestion to verified, in Chromium: a buyer expresses interest in a
suggested supplier with a message; the supplier finds it in the inbox, discusses, agrees
and records the delivery; the buyer confirms it and a task force member verifies it.
Every page is axe-checked and screenshotted."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.listings import trade_service
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from tests.e2e.helpers import CheckPage, LiveServer, Person, log_in, new_member
from tests.helpers.listings import listing_fields

PRINTING = "79800000"  # CPV: printing and related services

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Journey:
    opportunity_id: int
    offer_title: str
    buyer: Person
    supplier: Person
    task_force: Person


def _person(organisation: Organisation | None, first_name: str, **roles: bool) -> Person:
    user = new_member(organisation, first_name, **roles)
    return Person(name=user.name, email=user.email)


def _suggested_match(live_server: LiveServer) -> Journey:
    """A buyer's published opportunity and a supplier's published offer, matched."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        load_shipped_frameworks()
        supplier = Organisation(name=f"Print {tag}", kind="supplier", postcode="OX4 2JY")
        council = Organisation(name=f"Council {tag}", kind="buyer", postcode="OX4 2JY")
        db.session.add_all([supplier, council])
        people = {
            "buyer": _person(council, "Bryony"),
            "supplier": _person(supplier, "Sam"),
            "task_force": _person(None, "Tess", task_force=True),
        }
        staff = accounts.register_user(f"staff-{tag}@example.org", "Stella Staff", "x" * 16)
        accounts.set_platform_roles(staff, staff=True, task_force=False)
        offer_title = f"Print apprenticeships {tag}"
        offer = listings.create_listing(supplier, listing_fields("offer", title=offer_title))
        # A printer for a printing contract: an opportunity's page lists suppliers by trade.
        trade_service.set_organisation_trades(supplier, [PRINTING])
        opportunity = listings.create_listing(
            council,
            listing_fields("opportunity", title=f"Printing contract {tag}", trades=(PRINTING,)),
        )
        for listing in (offer, opportunity):
            listings.change_status(listing, "publish", staff)
        db.session.flush()
        stored = db.session.scalar(
            select(Match).where(Match.offer_id == offer.id, Match.opportunity_id == opportunity.id)
        )
        if stored is None:  # the engine ranked it out of the top N: store it as it would
            db.session.add(
                Match(
                    offer_id=offer.id,
                    opportunity_id=opportunity.id,
                    score=0.6,
                    location_score=1,
                    toms_score=0.4,
                    fit_score=0.4,
                    distance_m=100.0,
                    reasons=["0.1 km away"],
                    policy_version=1,
                )  # fmt: skip
            )
        db.session.commit()
        journey = Journey(opportunity.id, offer_title, **people)
        db.session.remove()
    return journey


def _as(new_page: Callable[[], Page], check: CheckPage, person: Person) -> Page:
    page = new_page()
    log_in(page, check, person.email, person.password)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


def _flashed(page: Page, text: str) -> None:
    # The measure picker has a status line of its own: look at the flashed messages.
    expect(page.get_by_role("status").filter(has_text=text)).to_have_count(1)


def test_a_match_goes_from_suggested_to_verified_in_the_browser(
    live_server: LiveServer, new_page: Callable[[], Page], check_page: CheckPage
) -> None:
    journey = _suggested_match(live_server)

    buyer = _as(new_page, check_page, journey.buyer)
    buyer.goto(f"/matching/opportunities/{journey.opportunity_id}")
    buyer.get_by_role("link", name=f"Open the match with {journey.offer_title}").click()
    expect(buyer.get_by_role("heading", level=1)).to_contain_text(journey.offer_title)
    check_page(buyer, "suggested")
    buyer.get_by_label("A message to the other side (optional)").fill(
        "Could your apprentices print our annual report?"
    )
    buyer.get_by_role("button", name="Express interest").click()
    _flashed(buyer, "This match is now “Interest expressed”.")
    check_page(buyer, "interest-expressed")

    supplier = _as(new_page, check_page, journey.supplier)
    expect(supplier.get_by_role("link", name="Inbox")).to_contain_text("unread")
    supplier.get_by_role("link", name="Inbox").click()
    expect(supplier.get_by_role("main")).to_contain_text(
        "Could your apprentices print our annual report?"
    )
    check_page(supplier, "inbox")
    supplier.get_by_role("button", name="Open").first.click()
    supplier.get_by_role("button", name="Start the discussion").click()
    _flashed(supplier, "now “In discussion”")
    supplier.get_by_label("Message", exact=True).fill("Yes: two apprentices, from Monday.")
    supplier.get_by_role("button", name="Send the message").click()
    _flashed(supplier, "Your message was sent.")
    supplier.get_by_role("button", name="Agree to go ahead").click()
    _flashed(supplier, "now “Agreed”")
    check_page(supplier, "agreed")

    supplier.get_by_label("Quantity of OIEP-S1").fill("12")
    today = supplier.evaluate("new Date().toISOString().slice(0, 10)")
    supplier.get_by_label("Delivered from").fill(today)
    supplier.get_by_label("Delivered to").fill(today)
    supplier.get_by_label("Evidence", exact=True).fill(
        "Apprentice timesheets: https://example.org/sheets"
    )
    supplier.get_by_role("button", name="Record the delivery").click()
    _flashed(supplier, "The delivery is recorded")
    expect(supplier.get_by_role("region", name="Delivered", exact=True)).to_contain_text("OIEP-S1")
    check_page(supplier, "delivered")

    buyer.reload()
    buyer.get_by_label("Rating (optional)").select_option("5")
    buyer.get_by_role("button", name="Confirm the delivery").click()
    _flashed(buyer, "the delivery is confirmed")
    check_page(buyer, "confirmed")

    task_force = _as(new_page, check_page, journey.task_force)
    task_force.goto(buyer.url)
    expect(task_force.get_by_role("button", name="Express interest")).to_have_count(0)
    task_force.get_by_role("button", name="Verify the delivery").click()
    _flashed(task_force, "This match is now “Verified”.")
    history = task_force.get_by_role("region", name="History", exact=True)
    for move in ("Interest expressed", "In discussion", "Agreed", "Delivered", "Verified"):
        expect(history).to_contain_text(move)
    messages = task_force.get_by_role("region", name="Messages", exact=True)
    expect(messages).to_contain_text("The task force and partnership staff cannot")
    expect(messages).not_to_contain_text("two apprentices")
    check_page(task_force, "verified")
