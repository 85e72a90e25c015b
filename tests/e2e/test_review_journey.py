"""The task force in Chromium: a delivery the supplier recorded and the beneficiary
confirmed waits in the queue; a task force member verifies it, and the review dashboard's
and the public impact page's figures go up by one: the task force's persona journey, at 1280
and 390 px, every step through the Journey checks, menus opened."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from tests.e2e.helpers import WIDTHS, Journey, LiveServer, Person, log_in, new_member
from tests.helpers.listings import listing_fields
from tests.helpers.review import deliver

pytestmark = pytest.mark.e2e


def _delivered_match(live_server: LiveServer) -> tuple[int, Person]:
    """A match delivered and confirmed, through the services; the task force member."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        load_shipped_frameworks()
        supplier = Organisation(name=f"Print {tag}", kind="supplier", postcode="OX4 2JY")
        charity = Organisation(name=f"Readers {tag}", kind="beneficiary", postcode="OX4 2JY")
        db.session.add_all([supplier, charity])
        staff = new_member(None, "Stella", staff=True)
        provider, seeker = new_member(supplier, "Sam"), new_member(charity, "Bea")
        task_force = new_member(None, "Tess", task_force=True)
        offer = listings.create_listing(
            supplier, listing_fields("offer", title=f"Volunteers {tag}")
        )
        need = listings.create_listing(charity, listing_fields("need", title=f"Helpers {tag}"))
        for listing in (offer, need):
            listings.change_status(listing, "publish", staff)
        db.session.flush()
        match = db.session.scalar(
            select(Match).where(Match.offer_id == offer.id, Match.need_id == need.id)
        ) or Match(
            offer_id=offer.id, need_id=need.id, score=0.8, location_score=1, toms_score=0.5,
            fit_score=0.5, distance_m=100.0, reasons=[], policy_version=1,
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
        deliver(match, provider, seeker, hours=12, evidence=f"Sign-in sheets {tag}")
        db.session.commit()
        match_id, email = match.id, task_force.email
        db.session.remove()
    return match_id, Person(name="Tess", email=email)


def _figure(page: Page, element_id: str) -> int:
    return int(page.locator(f"#{element_id}").inner_text())


@pytest.mark.parametrize("width", WIDTHS)
def test_the_task_force_verifies_an_outcome_and_the_figures_change(
    live_server: LiveServer,
    start_journey: Callable[[str, str], tuple[Journey, Page]],
    width: str,
) -> None:
    match_id, member = _delivered_match(live_server)
    check_page, page = start_journey("task-force", width)
    page.goto("/impact")
    public_before = _figure(page, "impact-matches")

    log_in(page, check_page, member.email, member.password)
    page.goto("/review/dashboard")
    verified_before = _figure(page, "figure-verified")

    page.goto("/review/")
    check_page(page, "queue")
    check_page.open_menus(page, "queue")
    outcome = page.get_by_role("region", name=f"Match {match_id}")
    expect(outcome).to_contain_text("12")
    expect(outcome).to_contain_text("Confirmed")
    expect(outcome).to_contain_text("Sign-in sheets")
    outcome.get_by_label("Note (optional)").fill("Sign-in sheets checked.")
    outcome.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("status")).to_contain_text("Outcome verified")
    expect(page.get_by_role("region", name=f"Match {match_id}")).to_have_count(0)

    page.goto("/review/dashboard")
    expect(page.locator("#figure-verified")).to_have_text(str(verified_before + 1))
    check_page(page, "dashboard")

    page.goto("/impact")
    expect(page.locator("#impact-matches")).to_have_text(str(public_before + 1))
    expect(page.get_by_role("main")).to_contain_text(
        "Healthier, Safer and more Resilient Communities"
    )
    check_page(page, "impact")
