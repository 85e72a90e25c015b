"""The delivery plan in Chromium: a lead updates their overdue action and the overview
moves; staff keep KPIs, events, funding and the toolkit; visitors read the public pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from brokerage.accounts import service as accounts
from brokerage.extensions import db
from brokerage.plan import service as plan
from brokerage.plan.models import PlanLead
from tests.e2e.helpers import CheckPage, LiveServer, Person, log_in

pytestmark = pytest.mark.e2e

PROGRESS = re.compile(r"^(\d+) actions: (\d+) done")
OVERDUE_ACTION = "Identify area in Oxfordshire to replicate Parent Power"


def _person(live_server: LiveServer, first_name: str, *, lead: str = "", staff: bool = False):
    """A new account on the live server (with the plan loaded), linked to `lead` if given."""
    person = Person.new(first_name)
    with live_server.app.app_context():
        plan.load_plan(plan.read_plan_file(plan.current_plan_file()))
        user = accounts.register_user(person.email, person.name, person.password)
        accounts.set_platform_roles(user, staff=staff)
        if lead:
            plan.link_lead(
                db.session.scalar(select(PlanLead).where(PlanLead.name == lead)), person.email
            )
        db.session.commit()
        db.session.remove()
    return person


def _done(page: Page) -> int:
    summary = " ".join(page.locator("#plan-progress").inner_text().split())
    return int(PROGRESS.match(summary)[2])


def test_a_lead_marks_their_overdue_action_done_and_the_overview_moves(
    page: Page, check_page: CheckPage, live_server: LiveServer
) -> None:
    clayton = _person(live_server, "Clayton", lead="Clayton Lavallin")
    log_in(page, check_page, clayton.email, clayton.password)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Delivery plan").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Delivery Plan 2023/24")
    check_page(page, "overview-before")
    done_before = _done(page)

    page.get_by_role("link", name="My actions").first.click()
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    row = page.get_by_role("row").filter(has_text=OVERDUE_ACTION)
    expect(row).to_contain_text("Overdue")
    check_page(page, "my-actions")

    row.get_by_role("link", name=OVERDUE_ACTION).click()
    expect(page.get_by_role("heading", name=OVERDUE_ACTION)).to_be_visible()
    check_page(page, "action")
    page.get_by_label("Status now").select_option(label="Done")
    page.get_by_label("Progress note").fill("Blackbird Leys and Rose Hill chosen with partners.")
    page.get_by_role("button", name="Post update").click()
    expect(page.get_by_role("status")).to_contain_text("Update posted. The action is now done.")
    expect(page.get_by_role("main")).to_contain_text("Blackbird Leys and Rose Hill chosen")
    check_page(page, "action-updated")

    page.get_by_role("navigation", name="breadcrumb").get_by_role(
        "link", name="Delivery plan"
    ).click()
    assert _done(page) == done_before + 1
    check_page(page, "overview-after")


def test_staff_keep_kpis_events_funding_and_the_toolkit(
    page: Page, check_page: CheckPage, live_server: LiveServer
) -> None:
    staff = _person(live_server, "Sam", staff=True)
    log_in(page, check_page, staff.email, staff.password)
    plan_menu = page.get_by_role("navigation", name="Delivery plan")

    page.goto("/plan/actions?working_group=inclusive-employment&phase=do")
    expect(page.get_by_role("status")).to_contain_text("5 actions found.")
    check_page(page, "actions-filtered")

    plan_menu = page.get_by_role("navigation", name="Delivery plan")
    plan_menu.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("img", name=re.compile(r"^Timeline of the"))).to_be_visible()
    check_page(page, "timeline")

    page.get_by_role("navigation", name="Delivery plan").get_by_role("link", name="Events").click()
    row = page.get_by_role("row").filter(has_text="First OIEP HR network event")
    check_page(page, "events")
    row.get_by_role("link", name=re.compile("^Edit")).click()
    check_page(page, "event-form")
    page.get_by_label("Date").fill("2023-07-12")
    page.get_by_label("The event has been held").check()
    page.get_by_label("Attendance", exact=True).fill("27")
    page.get_by_role("button", name="Save event").click()
    expect(page.get_by_role("status")).to_contain_text("is saved.")
    row = page.get_by_role("row").filter(has_text="First OIEP HR network event")
    expect(row).to_contain_text("27")
    row.get_by_role("link", name="Number of total attendees").click()
    expect(page.get_by_role("main")).to_contain_text("27 attendees so far")
    page.get_by_label("Date", exact=True).fill("2023-11-02")
    page.get_by_label("Value", exact=True).fill("18")
    page.get_by_label("Note", exact=True).fill("Second seminar, Banbury.")
    page.get_by_role("button", name="Record value").click()
    expect(page.get_by_role("status")).to_contain_text("now stands at 45")
    check_page(page, "kpi")

    page.get_by_role("navigation", name="Delivery plan").get_by_role(
        "link", name="Projects"
    ).click()
    check_page(page, "projects")
    page.get_by_role("link", name="Parent Power").click()
    page.get_by_label("Source").fill("Community foundation grant")
    page.get_by_label("Amount").fill("£20,000")
    page.get_by_role("checkbox", name=re.compile("^Secured")).check()
    page.get_by_role("button", name="Add funding").click()
    expect(page.get_by_role("status")).to_contain_text("is recorded.")
    check_page(page, "project")

    page.get_by_role("navigation", name="Delivery plan").get_by_role("link", name="Leads").click()
    check_page(page, "leads")
    page.get_by_role("link", name="Link the account of Jeremy Long").click()
    page.get_by_label("Their account's email address").fill("nobody@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("No account uses nobody@example.org")
    check_page(page, "lead-form-error")

    page.get_by_role("navigation", name="Delivery plan").get_by_role("link", name="Toolkit").click()
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_label("Title").fill("Ban the Box: fair chance recruitment")
    page.get_by_label("Kind").select_option(label="Guide")
    page.get_by_label("Web address").fill("https://www.bitc.org.uk/ban-the-box/")
    page.get_by_label("Working group").select_option(label="Inclusive Employment")
    page.get_by_label("Audience").select_option(label="Employers")
    page.get_by_role("button", name="Save resource").click()
    expect(page.get_by_role("status")).to_contain_text("is saved in the toolkit.")
    check_page(page, "resource")


def test_visitors_read_the_public_pages_and_the_toolkit(
    page: Page, check_page: CheckPage, live_server: LiveServer
) -> None:
    _person(live_server, "Vic")  # makes sure the plan is loaded

    page.goto("/plan/working-groups")
    check_page(page, "working-groups")
    page.get_by_role("link", name="Educational Attainment").click()
    expect(page.get_by_role("heading", name="The data behind it")).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Clayton Lavallin")
    check_page(page, "working-group")

    page.get_by_role("link", name="Resource toolkit").first.click()
    page.get_by_label("Search the toolkit").fill("fair chance")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_be_visible()
    check_page(page, "toolkit")
