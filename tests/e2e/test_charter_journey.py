"""The charter in Chromium: an organisation signs up with two pledges, staff approve it and
hold its baseline, its own member records the 3-month check-in marking one pledge
implemented, staff introduce a buddy, and the impact report shows it, on screen and
printed to PDF."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Membership, Organisation
from brokerage.charter import pledges as charter_pledges
from brokerage.charter import service as charter
from brokerage.charter.check_ins import RecordEntry, record_check_in
from brokerage.extensions import db
from tests.e2e.helpers import (
    SCREENSHOTS,
    CheckPage,
    LiveServer,
    Person,
    log_in,
    log_out,
)
from tests.helpers.charter_journey import (
    RECRUITMENT,
    VOLUNTEERING,
    flash_messages,
    new_charter_staff,
    sign_the_charter,
)

pytestmark = pytest.mark.e2e

# A PDF page object, not the /Pages tree that holds them.
PDF_PAGE = re.compile(rb"/Type\s*/Page(?!s)")


def _member_of(live_server: LiveServer, organisation_name: str) -> Person:
    """An account that belongs to the organisation the sign-up created."""
    person = Person.new("Morgan")
    with live_server.app.app_context():
        user = accounts.register_user(person.email, person.name, person.password)
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.name == organisation_name)
        )
        db.session.add(Membership(user=user, organisation=organisation, role="member"))
        db.session.commit()
        db.session.remove()
    return person


def _buddy_who_implemented_recruitment(live_server: LiveServer) -> str:
    """A nearby organisation, already a signee, that has implemented OCC-7."""
    name = f"Iffley Recruiters {uuid.uuid4().hex[:6]}"
    with live_server.app.app_context():
        pledge = next(p for p in charter_pledges.current_pledges() if p.code == "OCC-7")
        details = charter.SignUp(
            organisation_name=name,
            kind="supplier",
            postcode="OX4 4HH",
            sector="private",
            size="small",
            employees=30,
            contact_name="Rae Cruiter",
            contact_email=f"rae-{uuid.uuid4().hex[:6]}@example.org",
            listed_publicly=False,
            pledges={pledge.id: "Blind CV shortlisting."},
        )
        signee = charter.sign_up(details, charter.today()).signee
        charter.approve(signee, None)
        baseline = signee.terms[0].check_ins[0]
        entry = RecordEntry(signee.signed_pledges[0].id, "implemented", None, None, "", "")
        record_check_in(baseline, charter.today(), [entry], None)
        db.session.commit()
        db.session.remove()
    return name


def _implemented(page: Page, pledge: str) -> int:
    """The pledge's 'Implemented' count in the report's table of pledges."""
    row = (
        page.get_by_role("table", name=re.compile("Per pledge"))
        .get_by_role("row")
        .filter(has_text=pledge)
    )
    return int(row.get_by_role("cell").nth(2).inner_text())


def _record(page: Page, pledge: str, status: str, figure: str = "", unit: str = "") -> None:
    box = page.get_by_role("group", name=pledge)
    box.get_by_label("Status").select_option(label=status)
    if figure:
        box.get_by_label("Figure", exact=True).fill(figure)
        box.get_by_label("Unit of the figure").select_option(label=unit)


def test_a_signee_implements_a_pledge_and_the_impact_report_shows_it(
    page: Page, new_page, check_page: CheckPage, live_server: LiveServer
) -> None:
    staff = new_charter_staff(live_server)
    buddy = _buddy_who_implemented_recruitment(live_server)
    name = f"Cowley Bakery {uuid.uuid4().hex[:6]}"

    # The organisation signs up, without an account.
    sign_the_charter(page, check_page, name)

    # Staff approve it from the queue, then see the report before any check-in.
    log_in(page, check_page, staff.email, staff.password)
    page.goto("/charter/queue")
    check_page(page, "queue")
    page.get_by_role("region", name=re.compile(name)).get_by_role("button", name="Approve").click()
    expect(flash_messages(page)).to_contain_text(f"{name}: approved")
    page.goto("/charter/report")
    implemented_before = _implemented(page, VOLUNTEERING)

    # Staff hold the baseline: both pledges planned, no hours yet.
    page.goto("/charter/signees")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    page.get_by_role("link", name="Baseline meeting").first.click()
    _record(page, VOLUNTEERING, "Planned", "0", "hours")
    _record(page, RECRUITMENT, "Planned")
    check_page(page, "baseline")
    page.get_by_role("button", name="Save the check-in").click()
    expect(flash_messages(page)).to_contain_text("Baseline meeting saved.")
    log_out(page, check_page)

    # The signee's own member records the 3-month check-in: volunteering implemented.
    member = _member_of(live_server, name)
    member_page = new_page()
    log_in(member_page, check_page, member.email, member.password)
    member_page.goto("/charter/")
    member_page.get_by_role("link", name=f"{name}’s charter page").click()
    member_page.get_by_role("link", name=re.compile("^3-month check-in")).click()
    expect(member_page.get_by_role("main")).to_contain_text("Tell the partnership")
    expect(member_page.get_by_role("group", name=VOLUNTEERING)).to_contain_text(
        "Assisted Reading for Children (ARCh)"
    )
    _record(member_page, VOLUNTEERING, "Implemented", "48", "hours")
    member_page.get_by_role("group", name=VOLUNTEERING).get_by_label("What happened").fill(
        "Four bakers now read every week with pupils at a Cowley primary school."
    )
    _record(member_page, RECRUITMENT, "In progress")
    member_page.get_by_role("group", name=RECRUITMENT).get_by_label("Support needed").fill(
        "Someone who has made their job adverts more inclusive."
    )
    check_page(member_page, "member-check-in")
    member_page.get_by_role("button", name="Save the check-in").click()
    expect(flash_messages(member_page)).to_contain_text("3-month check-in saved.")
    expect(member_page.get_by_role("main")).to_contain_text("Four bakers now read every week")
    check_page(member_page, "member-charter-page")

    # Staff see the support asked for and a ranked buddy, and record the introduction.
    log_in(page, check_page, staff.email, staff.password)
    page.goto("/charter/signees")
    page.get_by_role("link", name=name).click()
    support = page.get_by_role("region", name="Support and buddy suggestions")
    expect(support).to_contain_text("Someone who has made their job adverts more inclusive.")
    expect(support).to_contain_text("OIEP HR Network")
    suggestion = support.get_by_role("listitem").filter(has_text=buddy).first
    expect(suggestion).to_contain_text("Same sector: Private sector")
    check_page(page, "support")
    suggestion.get_by_role("button", name=re.compile("Record the introduction")).click()
    expect(flash_messages(page)).to_contain_text("Introduction recorded.")
    expect(page.get_by_role("region", name="Buddy introductions")).to_contain_text(buddy)

    # Staff add a checked resource to a pledge's toolkit.
    page.goto("/charter/pledges")
    page.get_by_role("link", name="Toolkit (0) for OCC-6").click()
    page.get_by_label("Title").fill("Disability Confident")
    page.get_by_label("What it offers").fill("The government's scheme for employers.")
    page.get_by_label("Where you checked it").fill("The scheme's own pages, checked today")
    page.get_by_role("button", name="Add the resource").click()
    expect(flash_messages(page)).to_contain_text("OCC-6 now signposts “Disability Confident”.")
    check_page(page, "toolkit")

    # The impact report counts the implemented pledge and quotes the narrative once chosen.
    page.goto("/charter/report")
    assert _implemented(page, VOLUNTEERING) == implemented_before + 1
    choose = page.get_by_role("region", name="Choose the narratives to quote")
    choose.get_by_role("listitem").filter(has_text="Four bakers now read").get_by_role(
        "button", name=re.compile("Quote in the report")
    ).click()
    expect(flash_messages(page)).to_contain_text("Quoted in the report.")
    quoted = page.get_by_role("region", name="In their words")
    expect(quoted).to_contain_text("Four bakers now read every week")
    expect(page.get_by_role("img", name="Pledges made and implemented")).to_be_visible()
    check_page(page, "report")

    # Printed: what the print stylesheet shows, and Chromium's PDF of it.
    page.emulate_media(media="print")
    page.screenshot(path=SCREENSHOTS / "charter-report-print-media.png", full_page=True)
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("region", name="Choose the narratives to quote")).to_be_hidden()
    pdf = page.pdf(format="A4", print_background=True)
    (SCREENSHOTS / "charter-report.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert 1 <= len(PDF_PAGE.findall(pdf)) <= 6
