"""Owners invite colleagues by email; the signed link lets the invited person join."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from brokerage.accounts import tokens
from brokerage.accounts.models import Invitation, Membership, User
from brokerage.extensions import db
from tests.factories import PASSWORD, UserFactory
from tests.helpers.pages import (
    confirm_by_email,
    count,
    emails_to,
    field_error,
    flashed,
    link_in,
    page_text,
)
from tests.helpers.web import log_in, post_form

INVITED = "new.colleague@example.org"
NOT_VALID = "This link is not valid. Check that you copied all of it, or ask for a new one."


def invite(client, organisation_id, email=INVITED, role="member"):
    return post_form(
        client, f"/organisations/{organisation_id}/invitations", {"email": email, "role": role}
    )


def invitation_link(app, email=INVITED):
    with app.app_context():
        (message,) = emails_to(email)
    return link_in(message)


def membership_role(email, organisation_id):
    return db.session.scalar(
        select(Membership.role)
        .join(User, Membership.user_id == User.id)
        .where(User.email == email, Membership.organisation_id == organisation_id)
    )


def the_invitation(email=INVITED):
    invitation = db.session.scalar(select(Invitation).where(Invitation.email == email))
    return invitation.accepted_at, invitation.accepted_by_id


@pytest.fixture
def invited(app, accounts_client, accounts_world):
    """The owner has invited INVITED as an owner; the link from the email."""
    invite(accounts_client("owner"), accounts_world.organisation_id, role="owner")
    return invitation_link(app)


def test_an_owner_invites_a_colleague_who_gets_an_email_with_a_link(
    app, accounts_client, accounts_world, in_app
):
    owner = accounts_client("owner")

    response = invite(owner, accounts_world.organisation_id, email="New.Colleague@Example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{accounts_world.organisation_id}"
    page = owner.get(response.headers["Location"])
    assert "We have emailed an invitation to New.Colleague@Example.org." in flashed(page)
    assert f"{INVITED} (member)" in page_text(page)
    with app.app_context():
        (message,) = emails_to(INVITED)
    assert message.subject == "Join Cowley Bakery on the Oxfordshire social value brokerage"
    assert "to act for Cowley Bakery" in message.body
    assert link_in(message).startswith("/organisations/invitations/")
    stored = in_app(
        lambda: [
            (i.email, i.role, i.invited_by.email, i.accepted_at)
            for i in db.session.scalars(select(Invitation))
        ]
    )
    assert stored == [(INVITED, "member", "owner@bakery.example.org", None)]


@pytest.mark.parametrize(
    "email", ["member@bakery.example.org", "MEMBER@Bakery.example.org", "owner@bakery.example.org"]
)
def test_inviting_someone_who_is_already_a_member_is_refused_on_the_field(
    app, accounts_client, accounts_world, in_app, email
):
    response = invite(accounts_client("owner"), accounts_world.organisation_id, email=email)

    assert response.status_code == 400
    assert "is already a member of Cowley Bakery." in field_error(response, "email")
    assert in_app(lambda: count(Invitation)) == 0
    with app.app_context():
        assert emails_to(email) == []


@pytest.mark.parametrize(
    ("field", "email", "role", "message"),
    [
        ("email", "", "member", "This field is required."),
        ("email", "not an email", "member", "Enter an email address like name@example.org."),
        ("role", INVITED, "administrator", "Not a valid choice"),
    ],
)
def test_a_bad_invitation_is_refused_on_the_field(
    app, accounts_client, accounts_world, in_app, field, email, role, message
):
    response = invite(
        accounts_client("owner"), accounts_world.organisation_id, email=email, role=role
    )

    assert response.status_code == 400
    assert message in field_error(response, field)
    assert in_app(lambda: count(Invitation)) == 0


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("outsider", 404), ("task_force", 404)]
)
def test_only_owners_can_invite(app, accounts_client, accounts_world, in_app, role, status):
    response = invite(accounts_client(role), accounts_world.organisation_id)

    assert response.status_code == status
    assert in_app(lambda: count(Invitation)) == 0
    with app.app_context():
        assert emails_to(INVITED) == []


def test_anyone_opening_a_valid_link_sees_the_invitation_and_how_to_accept(anon, invited):
    response = anon.get(invited)

    assert response.status_code == 200
    text = page_text(response)
    assert "Join Cowley Bakery" in text
    assert f"has invited {INVITED} to act for Cowley Bakery as an owner" in text
    links = [
        (urlsplit(href).path, parse_qs(urlsplit(href).query))
        for href in re.findall(r'href="([^"]+)"', html.unescape(response.get_data(as_text=True)))
    ]
    assert ("/register", {"email": [INVITED], "next": [invited]}) in links
    assert ("/login", {"next": [invited]}) in links


def test_an_invited_person_registers_from_the_link_and_becomes_an_owner(
    app, anon, invited, accounts_world, in_app
):
    register_link = f"/register?email={INVITED}&next={invited}"
    response = post_form(
        anon,
        register_link,
        {
            "name": "New Colleague",
            "email": INVITED,
            "password": "a long enough passphrase",
            "confirm": "a long enough passphrase",
        },
    )
    assert response.headers["Location"] == "/register/sent"
    assert confirm_by_email(app, anon, INVITED).headers["Location"] == invited
    assert "Accept the invitation" in anon.get(invited).get_data(as_text=True)

    accepted = post_form(anon, invited, {})

    assert accepted.status_code == 302
    assert accepted.headers["Location"] == f"/organisations/{accounts_world.organisation_id}"
    assert "You are now a member of Cowley Bakery." in flashed(
        anon.get(accepted.headers["Location"])
    )
    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) == "owner"
    accepted_at, accepted_by_id = in_app(the_invitation)
    assert accepted_at is not None
    assert accepted_by_id == in_app(
        lambda: db.session.scalar(select(User.id).where(User.email == INVITED))
    )


def test_an_invited_person_with_an_account_logs_in_from_the_link_and_accepts(
    app, accounts_client, accounts_world, create, in_app
):
    create(UserFactory, email=INVITED)
    invite(accounts_client("owner"), accounts_world.organisation_id, role="member")
    link = invitation_link(app)
    client = app.test_client()

    log_in_response = post_form(
        client, f"/login?next={link}", {"email": "New.Colleague@Example.org", "password": PASSWORD}
    )
    assert log_in_response.headers["Location"] == link

    assert post_form(client, link, {}).status_code == 302
    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) == "member"


def test_someone_logged_in_with_another_address_cannot_accept(
    app, accounts_client, invited, accounts_world, in_app
):
    outsider = accounts_client("outsider")

    page = outsider.get(invited)
    assert "You are logged in as owner@builders.example.org." in page_text(page)
    assert "Accept the invitation" not in page.get_data(as_text=True)

    response = post_form(outsider, invited, {})

    assert response.status_code == 302
    assert response.headers["Location"] == invited
    assert (
        f"This invitation was sent to {INVITED}. Log in with that address to accept it."
        in flashed(outsider.get(invited))
    )
    assert (
        in_app(
            lambda: membership_role("owner@builders.example.org", accounts_world.organisation_id)
        )
        is None
    )
    assert in_app(the_invitation) == (None, None)


def test_an_anonymous_visitor_must_log_in_before_accepting(anon, invited, in_app):
    response = post_form(anon, invited, {})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert in_app(the_invitation) == (None, None)


def test_accepting_without_the_csrf_token_is_refused(app, invited, create, in_app):
    create(UserFactory, email=INVITED)
    client = log_in(app.test_client(), INVITED)

    assert client.post(invited).status_code == 400
    assert in_app(the_invitation) == (None, None)


def test_an_invitation_link_works_only_once(app, invited, create, accounts_world, in_app):
    create(UserFactory, email=INVITED)
    client = log_in(app.test_client(), INVITED)
    post_form(client, invited, {})

    for again in (client.get(invited), app.test_client().get(invited)):
        assert again.status_code == 400
        assert "This invitation has already been used." in page_text(again)
    assert post_form(client, invited, {}, page="/account").status_code == 400
    assert (
        in_app(
            lambda: count(Membership, Membership.organisation_id == accounts_world.organisation_id)
        )
        == 3
    )


def test_a_withdrawn_invitation_link_gets_a_clear_400_page(app, anon, invited, in_app):
    def withdraw():
        db.session.delete(db.session.scalar(select(Invitation)))
        db.session.commit()

    in_app(withdraw)
    response = anon.get(invited)

    assert response.status_code == 400
    assert "This invitation has been withdrawn." in page_text(response)


@pytest.mark.parametrize(
    "forgery",
    ["truncated", "signature changed", "id changed", "not a token", "signed for a reset"],
)
def test_a_forged_or_damaged_invitation_link_gets_a_clear_400_page(
    app, anon, invited, create, accounts_world, in_app, forgery
):
    token = invited.rsplit("/", 1)[1]
    payload, timestamp, signature = token.split(".")
    with app.app_context():
        reset_token = tokens.sign("password-reset", 1)
    forged = {
        "truncated": token[:-3],
        "signature changed": f"{payload}.{timestamp}.{signature[::-1]}",
        "id changed": f"Mg.{timestamp}.{signature}",
        "not a token": "not-a-token",
        "signed for a reset": reset_token,
    }[forgery]
    create(UserFactory, email=INVITED)
    client = log_in(app.test_client(), INVITED)

    shown = anon.get(f"/organisations/invitations/{forged}")
    posted = post_form(client, f"/organisations/invitations/{forged}", {})

    assert shown.status_code == posted.status_code == 400
    assert NOT_VALID in page_text(shown)
    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) is None


def test_an_invitation_link_still_works_on_the_seventh_day(app, invited, clock):
    clock(timedelta(days=6, hours=23))

    assert app.test_client().get(invited).status_code == 200


def test_an_invitation_link_expires_after_seven_days(app, invited, clock):
    clock(timedelta(days=7, minutes=1))
    response = app.test_client().get(invited)

    assert response.status_code == 400
    assert "This link has expired. Please ask for a new one." in page_text(response)


def test_accepting_an_owner_invitation_makes_an_existing_member_an_owner(
    app, accounts_client, accounts_world, create, in_app
):
    owner = accounts_client("owner")
    create(UserFactory, email=INVITED)
    invite(owner, accounts_world.organisation_id, role="member")
    invite(owner, accounts_world.organisation_id, role="owner")
    with app.app_context():
        as_member, as_owner = (link_in(message) for message in emails_to(INVITED))
    client = log_in(app.test_client(), INVITED)

    post_form(client, as_member, {})
    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) == "member"
    post_form(client, as_owner, {})

    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) == "owner"


def test_accepting_a_member_invitation_never_demotes_an_owner(
    app, accounts_client, accounts_world, create, in_app
):
    owner = accounts_client("owner")
    create(UserFactory, email=INVITED)
    invite(owner, accounts_world.organisation_id, role="owner")
    invite(owner, accounts_world.organisation_id, role="member")
    with app.app_context():
        as_owner, as_member = (link_in(message) for message in emails_to(INVITED))
    client = log_in(app.test_client(), INVITED)

    post_form(client, as_owner, {})
    post_form(client, as_member, {})

    assert in_app(lambda: membership_role(INVITED, accounts_world.organisation_id)) == "owner"
