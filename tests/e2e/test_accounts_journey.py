"""Accounts and organisations as a person uses them: in Chromium, against the live app."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.helpers import (
    CheckPage,
    Outbox,
    Person,
    accept_invitation,
    confirm_email,
    create_organisation,
    fill_registration,
    invite,
    link_in,
    log_in,
    log_out,
    register,
    unique,
)

pytestmark = pytest.mark.e2e

SUPPLIER = "Supplier (SME, social enterprise, charity)"
BENEFICIARY = "Beneficiary (community group, school, charity)"


def _organisation_with_invitation(
    page: Page, check_page: CheckPage, outbox: Outbox, owner: Person, invited: Person
) -> tuple[str, str]:
    """As `owner`: register, set up an organisation, invite `invited`; its name and link."""
    name = unique("Cowley Bike Project")
    register(page, check_page, outbox, owner)
    create_organisation(page, check_page, name, SUPPLIER)
    invite(page, check_page, invited.email)
    (invitation,) = outbox(invited.email)
    return name, link_in(invitation)


def test_a_new_user_sets_up_an_organisation_and_invites_a_colleague(
    page: Page, check_page: CheckPage, outbox: Outbox
) -> None:
    owner, colleague = Person.new("Olu"), Person.new("Cara")
    name = unique("Cowley Bike Project")

    register(page, check_page, outbox, owner)
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {owner.name}")
    create_organisation(page, check_page, name, SUPPLIER)
    expect(page.get_by_role("main")).to_contain_text("OX4 4HH")
    expect(page.get_by_role("main")).to_contain_text(SUPPLIER)
    expect(page.get_by_role("status")).to_contain_text(f"{name} is set up. You are its owner.")
    members = page.get_by_role("table", name=f"Members of {name}")
    expect(members.get_by_role("row")).to_have_count(2)
    expect(members).to_contain_text(owner.email)

    invite(page, check_page, colleague.email)
    expect(page.get_by_role("main")).to_contain_text(f"{colleague.email} (member)")
    (invitation,) = outbox(colleague.email)
    # read_outbox keeps the space of a folded Subject header; a mail client would not show it.
    assert invitation.subject.strip() == f"Join {name} on the Oxfordshire social value brokerage"
    assert f"{owner.name} has invited you to act for {name}" in invitation.body
    assert "/organisations/invitations/" in link_in(invitation)

    log_out(page, check_page)
    expect(page.get_by_role("link", name="Log in").first).to_be_visible()


def test_an_invited_person_creates_an_account_and_joins_the_organisation(
    page: Page, new_page: Callable[[], Page], check_page: CheckPage, outbox: Outbox
) -> None:
    owner, colleague = Person.new("Olu"), Person.new("Cara")
    name, link = _organisation_with_invitation(page, check_page, outbox, owner, colleague)

    their_page = new_page()
    accept_invitation(their_page, check_page, outbox, link, colleague)

    expect(their_page.get_by_role("status")).to_contain_text(f"You are now a member of {name}.")
    check_page(their_page, "joined")
    members = their_page.get_by_role("table", name=f"Members of {name}")
    expect(members.get_by_role("row", name=colleague.email)).to_contain_text("member")
    expect(members.get_by_role("row", name=owner.email)).to_contain_text("owner")
    expect(their_page.get_by_role("link", name="Edit details")).to_have_count(0)


def test_a_forgotten_password_is_reset_by_a_link_that_works_once(
    page: Page, new_page: Callable[[], Page], check_page: CheckPage, outbox: Outbox
) -> None:
    person = Person.new("Rita")
    register(page, check_page, outbox, person)
    log_out(page, check_page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    check_page(page, "login")
    page.get_by_role("link", name="Forgotten your password?").click()
    check_page(page, "reset-request")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_role("button", name="Email me a reset link").click()
    expect(page.get_by_role("status")).to_contain_text("we have emailed it a link")
    check_page(page, "reset-requested")

    (message,) = [m for m in outbox(person.email) if m.subject.strip() == "Reset your password"]
    link = link_in(message)
    page.goto(link)
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    check_page(page, "reset-form")
    new_password = "a quiet morning at Port Meadow"
    page.get_by_label("New password").fill(new_password)
    page.get_by_label("Repeat the password").fill(new_password)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password has been set.")
    check_page(page, "reset-done")

    log_in(page, check_page, person.email, person.password)
    expect(page.get_by_role("alert")).to_contain_text("The email address or password is not")
    check_page(page, "old-password-refused")
    log_in(page, check_page, person.email, new_password)
    expect(page.get_by_role("heading", name=f"Welcome, {person.name}")).to_be_visible()
    check_page(page, "logged-in")

    used = new_page()
    response = used.goto(link)
    assert response is not None and response.status == 400
    expect(used.get_by_role("main")).to_contain_text("already been used")
    check_page(used, "reset-link-used")


def test_people_cannot_edit_organisations_they_do_not_own(
    page: Page, new_page: Callable[[], Page], check_page: CheckPage, outbox: Outbox
) -> None:
    owner, member, stranger = Person.new("Olu"), Person.new("Cara"), Person.new("Sam")
    name, link = _organisation_with_invitation(page, check_page, outbox, owner, member)
    own_edit_url = page.get_by_role("link", name="Edit details").get_attribute("href")
    assert own_edit_url and re.fullmatch(r"/organisations/\d+/edit", own_edit_url)

    strangers_page = new_page()
    register(strangers_page, check_page, outbox, stranger)
    create_organisation(strangers_page, check_page, unique("Rose Hill Readers"), BENEFICIARY)
    response = strangers_page.goto(own_edit_url)
    assert response is not None and response.status == 404
    expect(strangers_page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(strangers_page.get_by_role("main")).not_to_contain_text(name)
    check_page(strangers_page, "someone-elses-organisation")

    members_page = new_page()
    accept_invitation(members_page, check_page, outbox, link, member)
    expect(members_page.get_by_role("status")).to_contain_text(f"You are now a member of {name}")
    response = members_page.goto(own_edit_url)
    assert response is not None and response.status == 403
    expect(
        members_page.get_by_role("heading", name="You do not have permission to do that")
    ).to_be_visible()
    check_page(members_page, "member-may-not-edit")


def test_bad_registration_shows_every_problem_and_keeps_what_was_typed(
    page: Page, check_page: CheckPage
) -> None:
    page.goto("/register")
    check_page(page, "register")
    typed = Person(name="Priya Shah", email="priya-at-example", password="short")
    fill_registration(page, typed)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link", name="Email address")).to_be_visible()
    expect(summary.get_by_role("link", name="Password", exact=True)).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email-error")).to_contain_text("Enter an email address like")
    expect(page.locator("#password-error")).to_contain_text("Use at least 10 characters.")
    expect(page.get_by_label("Your name")).to_have_value("Priya Shah")
    expect(page.get_by_label("Email address")).to_have_value("priya-at-example")
    check_page(page, "register-errors")


def test_on_a_phone_the_menu_opens_and_the_forms_fit(
    new_context: Callable[..., BrowserContext], check_page: CheckPage
) -> None:
    page = new_context(viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    page.goto("/")
    menu_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in")
    expect(menu_link).to_be_hidden()
    check_page(page, "home")
    page.get_by_role("button", name="Show or hide the menu").click()
    menu_link.click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_page(page, "login-errors")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "wider than the phone"


def test_registering_an_address_already_in_use_looks_the_same_and_only_its_inbox_learns(
    page: Page, new_page: Callable[[], Page], check_page: CheckPage, outbox: Outbox
) -> None:
    person = Person.new("Nia")
    register(page, check_page, outbox, person)

    someone = new_page()
    someone.goto("/register")
    fill_registration(someone, Person(name="Someone Else", email=person.email))

    expect(someone.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(someone.get_by_role("main")).to_contain_text(f"We have sent a link to {person.email}")
    check_page(someone, "address-in-use")
    (notice,) = [
        m for m in outbox(person.email) if m.subject.strip() == "You already have an account"
    ]
    assert "Nothing about your account has changed." in notice.body


def test_logging_in_before_confirming_offers_to_send_the_link_again(
    page: Page, check_page: CheckPage, outbox: Outbox
) -> None:
    person = Person.new("Lee")
    page.goto("/register")
    fill_registration(page, person)
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    log_in(page, check_page, person.email, person.password)
    expect(page.get_by_role("heading", name="Confirm your email address first")).to_be_visible()
    check_page(page, "unconfirmed")
    page.get_by_role("button", name="Send the link again").click()
    confirm_email(page, check_page, outbox, person)

    expect(page.get_by_role("heading", name="Set up an organisation")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome, {person.name}")
