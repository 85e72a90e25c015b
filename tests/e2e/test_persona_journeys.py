"""One journey per persona, each at 1280 and 390 px: what a signed-out visitor, a buyer, a
new supplier, a beneficiary, staff and a charter signee actually do, step by step (the task
force's journey is test_review_journey). Every step goes through the Journey checks (axe,
every colour-contrast result incomplete ones included, no sideways scroll, CSP) and is
screenshotted as journey-<persona>-<width>-<step>.png; the menus are opened on the first
page each persona sees after signing in."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts.models import Organisation, User
from brokerage.charter import pledges as charter_pledges
from brokerage.charter import service as charter
from brokerage.charter.models import Signee
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.listings import trade_service
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.delivery import DeliveryReport, record_delivery
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.e2e.helpers import (
    WIDTHS,
    Journey,
    LiveServer,
    Outbox,
    Person,
    create_organisation,
    fill_charter_sign_up,
    follow_nav,
    list_an_offer,
    log_in,
    new_member,
    register,
)
from tests.helpers.charter import sign_up_details
from tests.helpers.listings import listing_fields

pytestmark = pytest.mark.e2e

StartJourney = Callable[[str, str], tuple[Journey, Page]]
PRINTING = "79800000"  # CPV: printing and related services
SUPPLIER = "Supplier (SME, social enterprise, charity)"


def _flashed(page: Page, text: str) -> None:
    expect(page.locator(".flash-messages")).to_contain_text(text)


def _signed_in(page: Page, journey: Journey, person: Person) -> None:
    log_in(page, journey, person.email, person.password)
    _flashed(page, "You are logged in.")


def _home(page: Page, journey: Journey, person: Person, waiting: str) -> None:
    """Sign in, read the home page's task list (`waiting` in it) and open every menu."""
    _signed_in(page, journey, person)
    page.goto("/")
    expect(page.get_by_role("main")).to_contain_text(waiting)
    journey(page, "home-tasks")
    journey.open_menus(page, "home")


def _save_and_publish(page: Page, journey: Journey, kind: str, title: str) -> None:
    """On a new listing's filled form: check it, save it, publish it."""
    journey(page, f"new-{kind}")
    page.get_by_role("button", name=f"Save {kind}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name="Publish").click()
    _flashed(page, "is published")
    journey(page, f"{kind}-published")


def _stored_match(offer_id: int, column, seeker_id: int) -> Match:
    """The engine's stored match for the pair, or one stored as it would be."""
    match = db.session.scalar(select(Match).where(Match.offer_id == offer_id, column == seeker_id))
    if match is None:
        match = Match(
            offer_id=offer_id, score=0.6, location_score=1, toms_score=0.4, fit_score=0.4,
            distance_m=100.0, reasons=["0.1 km away"], policy_version=1,
            **{column.key: seeker_id},
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
    return match


def _world(live_server: LiveServer) -> dict[str, object]:
    """A printer with a published offer and a buyer's published printing opportunity; a
    charity whose need the printer delivered, waiting for the charity to confirm; a
    charter sign-up waiting for staff; a staff member."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        load_shipped_frameworks()
        charter_pledges.load_pledges()
        printer = Organisation(name=f"Print {tag}", kind="supplier", postcode="OX4 2JY")
        council = Organisation(name=f"Council {tag}", kind="buyer", postcode="OX4 2JY")
        charity = Organisation(name=f"Readers {tag}", kind="beneficiary", postcode="OX4 2JY")
        db.session.add_all([printer, council, charity])
        users = {
            "staff": new_member(None, "Stella", staff=True),
            "supplier": new_member(printer, "Sam"),
            "buyer": new_member(council, "Bryony"),
            "beneficiary": new_member(charity, "Bea"),
        }
        trade_service.set_organisation_trades(printer, [PRINTING])
        offer = listings.create_listing(printer, listing_fields("offer", title=f"Print {tag}"))
        need = listings.create_listing(charity, listing_fields("need", title=f"Helpers {tag}"))
        opportunity = listings.create_listing(
            council,
            listing_fields("opportunity", title=f"Printing contract {tag}", trades=(PRINTING,)),
        )
        for listing in (offer, need, opportunity):
            listings.change_status(listing, "publish", users["staff"])
        db.session.flush()
        delivered = _stored_match(offer.id, Match.need_id, need.id)
        advance(delivered, State.INTEREST_EXPRESSED, users["supplier"])
        advance(delivered, State.IN_DISCUSSION, users["beneficiary"])
        advance(delivered, State.AGREED, users["beneficiary"])
        report = DeliveryReport(date.today(), date.today(), {"OIEP-S6": 40}, evidence="Sheets")
        record_delivery(delivered, users["supplier"], report, date.today(), seen_version=None)
        pledge = next(iter(charter_pledges.current_pledges()))
        sign_up = f"Bakery {tag}"
        charter.sign_up(
            sign_up_details({pledge.id: "Local bread."}, organisation_name=sign_up), date.today()
        )
        db.session.commit()
        world: dict[str, object] = {
            key: Person(name=user.name, email=user.email) for key, user in users.items()
        }
        world |= {
            "opportunity": opportunity.title,
            "offer": offer.title,
            "need": need.title,
            "delivered_match": delivered.id,
            "sign_up": sign_up,
        }
        db.session.remove()
    return world


@pytest.mark.parametrize("width", WIDTHS)
def test_a_signed_out_visitor_reads_the_public_pages(start_journey: StartJourney, width: str):
    journey, page = start_journey("visitor", width)
    page.goto("/")
    journey(page, "home")
    journey.open_menus(page, "home")
    main = page.get_by_role("main")
    main.get_by_role("link", name="what TOMs and social value mean").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What social value and TOMs mean")
    journey(page, "toms-explained")
    for path, heading in (
        ("/directory/needs", "Find community needs"),
        ("/directory/opportunities", re.compile("opportunities", re.I)),
        ("/directory/suppliers", "Find suppliers"),
    ):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        journey(page, path.rsplit("/", 1)[-1])
    page.get_by_role("link", name="Accessibility").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility")
    journey(page, "accessibility")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_buyer_posts_an_opportunity_and_invites_a_supplier(
    live_server: LiveServer, start_journey: StartJourney, width: str
):
    world = _world(live_server)
    journey, page = start_journey("buyer", width)
    _home(page, journey, world["buyer"], "What waits for you")

    title = f"Annual report printing {uuid.uuid4().hex[:4]}"
    page.goto("/listings/")
    page.get_by_role("link", name=re.compile("New procurement opportunity")).click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Printing our annual report: 2,000 copies.")
    page.get_by_label("Category").select_option(index=1)
    page.get_by_label("Deadline for bids").fill((date.today() + timedelta(days=60)).isoformat())
    page.get_by_label("Delivery postcode").fill("OX4 2JY")
    page.locator("#measures-OIEP-S6").check()
    page.get_by_label("Quantity of OIEP-S6", exact=False).fill("10")
    page.get_by_label("Other trades: CPV codes or words, one a line").fill(PRINTING)
    _save_and_publish(page, journey, "opportunity", title)

    page.get_by_role("link", name="See matches").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Suppliers for {title}")
    journey(page, "supplier-matches")
    page.get_by_role("link", name=f"Open the match with {world['offer']}").click()
    page.get_by_label("A message to the other side (optional)").fill("Could you quote?")
    page.get_by_role("button", name="Express interest").click()
    _flashed(page, "This match is now “Interest expressed”.")
    journey(page, "supplier-invited")
    page.go_back()
    page.go_back()
    page.reload()
    expect(page.get_by_role("main")).to_contain_text("(Under way: Interest expressed)")
    journey(page, "supplier-matches-with-states")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_supplier_signs_up_offers_help_and_expresses_interest(
    live_server: LiveServer, start_journey: StartJourney, outbox: Outbox, width: str
):
    world = _world(live_server)
    journey, page = start_journey("new-supplier", width)
    register(page, journey, outbox, Person.new("Sid"))
    name = f"Cowley Joinery {uuid.uuid4().hex[:6]}"
    create_organisation(page, journey, name, SUPPLIER)
    journey.open_menus(page, "organisation")
    list_an_offer(page, journey)
    follow_nav(page, "For you")
    expect(page.get_by_role("heading", level=1)).to_have_text("For you")
    journey(page, "for-you")
    page.goto("/directory/opportunities")
    page.get_by_role("link", name=world["opportunity"]).click()
    page.get_by_role("link", name="I'm interested").click()
    page.get_by_role("radio").first.check()
    journey(page, "express-interest")
    page.get_by_role("button", name="Express interest").click()
    _flashed(page, "interest")
    journey(page, "interest-expressed")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_beneficiary_posts_a_need_sees_offers_and_confirms_a_delivery(
    live_server: LiveServer, start_journey: StartJourney, width: str
):
    world = _world(live_server)
    journey, page = start_journey("beneficiary", width)
    _home(page, journey, world["beneficiary"], "Deliveries to confirm")

    title = f"Reading buddies {uuid.uuid4().hex[:4]}"
    page.goto("/listings/")
    page.get_by_role("link", name="New need", exact=True).click()
    page.get_by_label("Title").fill(title)
    page.get_by_label("Description").fill("Volunteers to read with pupils once a week.")
    page.get_by_label("Category").select_option("volunteering")
    page.locator("#measures-OIEP-S1").check()
    page.get_by_label("Where the help is needed").fill("OX4 2JY")
    _save_and_publish(page, journey, "need", title)
    page.get_by_role("link", name="See matches").click()
    journey(page, "offers-for-the-need")

    page.goto(f"/matches/{world['delivered_match']}")
    journey(page, "delivery-to-confirm")
    page.get_by_label("Rating (optional)").select_option("5")
    page.get_by_role("button", name="Confirm the delivery").click()
    _flashed(page, "the delivery is confirmed")
    journey(page, "delivery-confirmed")


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_run_the_admin_the_plan_the_board_report_and_charter_approvals(
    live_server: LiveServer, start_journey: StartJourney, width: str
):
    world = _world(live_server)
    journey, page = start_journey("staff", width)
    _signed_in(page, journey, world["staff"])
    page.goto("/")
    journey(page, "home-tasks")
    journey.open_menus(page, "home")
    for path, step in (
        ("/admin/people", "admin-people"),
        ("/admin/organisations", "admin-organisations"),
        ("/plan/", "plan"),
        ("/plan/report", "board-report"),
    ):
        page.goto(path)
        journey(page, step)
    page.goto("/charter/queue")
    journey(page, "charter-queue")
    page.get_by_role("region", name=re.compile(world["sign_up"])).get_by_role(
        "button", name="Approve"
    ).click()
    _flashed(page, f"{world['sign_up']}: approved")
    journey(page, "charter-approved")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_charter_signee_signs_up_and_records_a_check_in(
    live_server: LiveServer, start_journey: StartJourney, width: str
):
    world = _world(live_server)
    journey, page = start_journey("charter-signee", width)
    name = f"Cowley Bakery {uuid.uuid4().hex[:6]}"
    page.goto("/charter/")
    journey(page, "charter")
    journey.open_menus(page, "charter")
    page.get_by_role("main").get_by_role("link", name="Sign the charter").click()
    fill_charter_sign_up(page, name, {"OCC-5": "A volunteering day a year for each baker."})
    journey(page, "sign-up")
    page.get_by_role("button", name="Sign the charter").click()
    _flashed(page, "Thank you for signing the charter")
    journey(page, "signed")

    member = _approved_member(live_server, name, world["staff"])
    _signed_in(page, journey, member)
    page.goto("/charter/")
    page.get_by_role("link", name=f"{name}’s charter page").click()
    journey(page, "charter-page")
    page.get_by_role("link", name="Baseline meeting").first.click()
    group = page.get_by_role("group", name=re.compile("OCC-5"))
    group.get_by_label("Status").select_option(label="Planned")
    journey(page, "check-in")
    page.get_by_role("button", name="Save the check-in").click()
    _flashed(page, "Baseline meeting saved.")
    journey(page, "check-in-saved")


def _approved_member(live_server: LiveServer, organisation_name: str, staff: Person) -> Person:
    """Staff approve the sign-up (their part of the journey is the staff test's), and the
    organisation's contact gets an account in it."""
    with live_server.app.app_context():
        signee = db.session.scalar(
            select(Signee).where(Signee.organisation_name == organisation_name)
        )
        actor = db.session.scalar(select(User).where(User.email == staff.email))
        charter.approve(signee, actor)
        db.session.flush()
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == organisation_name)
        )
        user = new_member(organisation, "Morgan")
        db.session.commit()
        person = Person(name=user.name, email=user.email)
        db.session.remove()
    return person
