"""Changing a password on the account page, and resetting a forgotten one by email."""

from __future__ import annotations

from datetime import timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select

from brokerage.accounts import tokens
from brokerage.accounts.models import User
from brokerage.extensions import db
from tests.factories import PASSWORD, UserFactory
from tests.helpers.pages import emails_to, field_error, flashed, link_in, page_text
from tests.helpers.web import log_in, post_form

NEW_PASSWORD = "a much better passphrase"
ALREADY_USED = "This reset link has already been used or is no longer valid."
NOT_VALID = "This link is not valid. Check that you copied all of it, or ask for a new one."
EXPIRED = "This link has expired. Please ask for a new one."
RESET_SENT = "If an account exists for that address, we have emailed it a link"


@pytest.fixture
def ada(create):
    return create(UserFactory, email="ada@example.org", name="Ada Lovelace")


def stored(email="ada@example.org"):
    """The user's password hash and session token as the database holds them."""
    user = db.session.scalar(select(User).where(User.email == email))
    return user.password_hash, user.session_token


def can_log_in(app, password, email="ada@example.org"):
    response = post_form(app.test_client(), "/login", {"email": email, "password": password})
    return response.status_code == 302


def change_password(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client,
        "/account/password",
        {"current_password": current, "password": new, "confirm": confirm or new},
    )


# Changing a password


def test_a_wrong_current_password_is_refused_on_the_field_and_changes_nothing(app, ada, in_app):
    client = log_in(app.test_client(), "ada@example.org")
    before = in_app(stored)

    response = change_password(client, current="not my password at all")

    assert response.status_code == 400
    assert field_error(response, "current_password") == "Your current password is not correct."
    assert in_app(stored) == before
    assert can_log_in(app, PASSWORD)


@pytest.mark.parametrize(
    ("new", "confirm", "field", "message"),
    [
        ("short pw", None, "password", "Use at least 10 characters."),
        ("qwertyuiop", None, "password", "This password is too common"),
        (NEW_PASSWORD, "something else entirely", "confirm", "The two passwords are not the same."),
    ],
)
def test_a_new_password_that_breaks_the_rules_is_refused_and_changes_nothing(
    app, ada, in_app, new, confirm, field, message
):
    client = log_in(app.test_client(), "ada@example.org")
    before = in_app(stored)

    response = change_password(client, new=new, confirm=confirm)

    assert response.status_code == 400
    assert message in field_error(response, field)
    assert in_app(stored) == before


def test_after_changing_the_password_only_the_new_one_logs_in(app, ada, in_app):
    client = log_in(app.test_client(), "ada@example.org")
    before_hash, _ = in_app(stored)

    response = change_password(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert "Your password has been changed." in " ".join(flashed(client.get("/account")))
    assert in_app(stored)[0] != before_hash
    assert can_log_in(app, NEW_PASSWORD)
    assert not can_log_in(app, PASSWORD)


def test_changing_the_password_keeps_this_session_and_logs_out_every_other_one(app, ada, in_app):
    this_device = log_in(app.test_client(), "ada@example.org")
    other_device = log_in(app.test_client(), "ada@example.org")
    remembered_device = app.test_client()
    post_form(
        remembered_device,
        "/login",
        {"email": "ada@example.org", "password": PASSWORD, "remember": "y"},
    )
    remembered_device.delete_cookie("session")
    assert remembered_device.get("/account").status_code == 200
    _, token_before = in_app(stored)

    change_password(this_device)

    assert in_app(stored)[1] != token_before
    assert this_device.get("/account").status_code == 200
    for device in (other_device, remembered_device):
        response = device.get("/account")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


# Resetting a forgotten password


def ask_for_reset(client, email="ada@example.org"):
    return post_form(client, "/password-reset", {"email": email})


def reset_link(app, email="ada@example.org"):
    with app.app_context():
        (message,) = emails_to(email)
    return link_in(message)


def test_asking_for_a_reset_says_the_same_for_known_and_unknown_addresses(app, ada):
    known = app.test_client()
    unknown = app.test_client()

    known_response = ask_for_reset(known)
    unknown_response = ask_for_reset(unknown, "nobody@example.org")

    assert known_response.status_code == unknown_response.status_code == 302
    assert known_response.headers["Location"] == unknown_response.headers["Location"] == "/login"
    known_says, unknown_says = flashed(known.get("/login")), flashed(unknown.get("/login"))
    assert known_says == unknown_says
    assert RESET_SENT in known_says[0]
    with app.app_context():
        assert emails_to("nobody@example.org") == []
        (message,) = emails_to("ada@example.org")
    assert message.subject == "Reset your password"
    assert "Hello Ada Lovelace" in message.body
    assert "/password-reset/" in link_in(message)


def test_asking_for_a_reset_in_another_case_emails_the_stored_address(app, ada):
    ask_for_reset(app.test_client(), "ADA@Example.org")

    assert reset_link(app).startswith("/password-reset/")


def test_asking_for_a_reset_with_a_malformed_address_shows_a_field_error(app, ada):
    response = ask_for_reset(app.test_client(), "not an email")

    assert response.status_code == 200
    assert "Enter an email address like name@example.org." in field_error(response, "email")
    with app.app_context():
        assert emails_to("ada@example.org") == []


def test_following_the_reset_link_lets_the_person_set_a_new_password(app, anon, ada, in_app):
    ask_for_reset(anon)
    link = reset_link(app)

    form = anon.get(link)
    assert form.status_code == 200
    assert "Set a new password" in page_text(form)

    response = post_form(anon, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Your password has been set." in " ".join(flashed(anon.get("/login")))
    assert can_log_in(app, NEW_PASSWORD)
    assert not can_log_in(app, PASSWORD)


def test_a_bad_new_password_on_the_reset_page_is_refused_and_the_link_still_works(
    app, anon, ada, in_app
):
    ask_for_reset(anon)
    link = reset_link(app)
    before = in_app(stored)

    response = post_form(anon, link, {"password": "password123", "confirm": "password123"})

    assert response.status_code == 200
    assert "too common" in field_error(response, "password")
    assert in_app(stored) == before
    assert anon.get(link).status_code == 200


def test_resetting_the_password_logs_out_every_session_of_that_person(app, anon, ada):
    elsewhere = log_in(app.test_client(), "ada@example.org")
    ask_for_reset(anon)

    post_form(anon, reset_link(app), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert elsewhere.get("/account").status_code == 302


def test_a_reset_link_works_only_once(app, anon, ada):
    ask_for_reset(anon)
    link = reset_link(app)
    post_form(anon, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    again = app.test_client().get(link)
    assert again.status_code == 400
    assert ALREADY_USED in page_text(again)

    reuse = post_form(
        app.test_client(),
        link,
        {"password": "yet another passphrase", "confirm": "yet another passphrase"},
    )
    assert reuse.status_code == 400
    assert can_log_in(app, NEW_PASSWORD)


def test_a_reset_link_stops_working_once_the_password_is_changed_another_way(app, anon, ada):
    ask_for_reset(anon)
    link = reset_link(app)

    change_password(log_in(app.test_client(), "ada@example.org"))

    response = app.test_client().get(link)
    assert response.status_code == 400
    assert ALREADY_USED in page_text(response)


def _forged_links(app, link):
    token = link.rsplit("/", 1)[1]
    payload, timestamp, signature = token.split(".")
    with app.app_context():
        an_invitation_token = tokens.sign("invitation", 1)
    wrong_key = URLSafeTimedSerializer("a-guessed-secret-key", salt="brokerage-password-reset")
    return {
        "truncated": token[:-4],
        "signature changed": f"{payload}.{timestamp}.{signature[::-1]}",
        "payload changed": f"{payload[:-2]}xx.{timestamp}.{signature}",
        "not a token": "not-a-token",
        "signed for an invitation": an_invitation_token,
        "signed with another key": wrong_key.dumps({"u": 1, "p": "0" * 16}),
    }


@pytest.mark.parametrize(
    "forgery",
    [
        "truncated",
        "signature changed",
        "payload changed",
        "not a token",
        "signed for an invitation",
        "signed with another key",
    ],
)
def test_a_forged_or_damaged_reset_link_gets_a_clear_400_page(app, anon, ada, in_app, forgery):
    ask_for_reset(anon)
    before = in_app(stored)
    token = _forged_links(app, reset_link(app))[forgery]

    shown = app.test_client().get(f"/password-reset/{token}")
    posted = post_form(
        app.test_client(),
        f"/password-reset/{token}",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )

    assert shown.status_code == posted.status_code == 400
    assert NOT_VALID in page_text(shown)
    assert in_app(stored) == before


def test_a_reset_link_still_works_just_before_the_hour_is_up(app, anon, ada, clock):
    ask_for_reset(anon)
    link = reset_link(app)

    clock(timedelta(minutes=59))

    assert app.test_client().get(link).status_code == 200


def test_a_reset_link_expires_after_an_hour(app, anon, ada, in_app, clock):
    ask_for_reset(anon)
    link = reset_link(app)
    before = in_app(stored)

    clock(timedelta(minutes=61))
    shown = app.test_client().get(link)

    assert shown.status_code == 400
    assert EXPIRED in page_text(shown)
    assert in_app(stored) == before
