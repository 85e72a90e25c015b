"""The charter in Chromium as its journeys walk it: signing up from the public page, and the
staff who approve sign-ups."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from brokerage.accounts import service as accounts
from brokerage.charter import pledges as charter_pledges
from brokerage.charter import toolkit
from brokerage.extensions import db
from tests.e2e.helpers import CheckPage, LiveServer, Person, fill_charter_sign_up

VOLUNTEERING = "OCC-5 Support employee volunteering"
RECRUITMENT = "OCC-7 Inclusive recruitment"


def new_charter_staff(live_server: LiveServer) -> Person:
    """A new member of staff, with the charter's pledges and toolkit loaded for them."""
    person = Person.new("Stella")
    with live_server.app.app_context():
        charter_pledges.load_pledges()
        toolkit.load_resources()
        user = accounts.register_user(person.email, person.name, person.password)
        accounts.set_platform_roles(user, staff=True)
        db.session.commit()
        db.session.remove()
    return person


def flash_messages(page: Page) -> Locator:
    """The flashed messages (a page may have other status regions)."""
    return page.locator(".flash-messages")


def sign_the_charter(page: Page, check: CheckPage, name: str) -> None:
    """Sign the charter for `name` from its public page, after trying it empty once."""
    page.goto("/charter/")
    check(page, "charter")
    page.get_by_role("main").get_by_role("link", name="Sign the charter").click()
    expect(page.get_by_role("heading", name="Sign the Inclusive Economy Charter")).to_be_visible()
    page.get_by_role("button", name="Sign the charter").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check(page, "sign-up-errors")
    fill_charter_sign_up(
        page,
        name,
        {
            VOLUNTEERING: "A volunteering day a year for each of our bakers.",
            RECRUITMENT: "Advertise every job at the job centre and on Oxford Hub.",
        },
    )
    page.get_by_label("List our organisation publicly").check()
    check(page, "sign-up-filled")
    page.get_by_role("button", name="Sign the charter").click()
    expect(flash_messages(page)).to_contain_text("Thank you for signing the charter")
