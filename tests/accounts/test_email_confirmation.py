"""A new account proves its email address before it can be used: the link emailed at
sign-up, once, within two days; logging in before that says so and offers the link again."""

from __future__ import annotations

from datetime import timedelta

import flask_migrate
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import select, text

from brokerage.accounts import tokens
from brokerage.accounts.models import User
from brokerage.extensions import db
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.pages import (
    confirm_by_email,
    emails_to,
    field_error,
    flashed,
    link_in,
    page_text,
)
from tests.helpers.web import post_form

ADA = "ada@example.org"
PASSPHRASE = "analytical engine notes"
CONFIRM_FIRST = "Confirm your email address first"


def register(client, email=ADA):
    return post_form(
        client,
        "/register",
        {"name": "Ada Lovelace", "email": email, "password": PASSPHRASE, "confirm": PASSPHRASE},
    )


def confirmed_at(email=ADA):
    return db.session.scalar(select(User.email_confirmed_at).where(User.email == email))


def confirmation_links(app, email=ADA):
    with app.app_context():
        return [link_in(m) for m in emails_to(email) if m.subject == "Confirm your email address"]


def log_in(client, password=PASSPHRASE):
    return post_form(client, "/login", {"email": ADA, "password": password})


def test_opening_the_link_only_shows_a_button_so_a_mail_scanner_confirms_nothing(app, anon, in_app):
    register(anon)
    (link,) = confirmation_links(app)

    page = app.test_client().get(link)

    assert page.status_code == 200
    assert "Confirm that ada@example.org is your address" in page_text(page)
    assert "Confirm my email address" in page_text(page)
    assert in_app(confirmed_at) is None


def test_a_confirmation_link_works_once(app, anon):
    register(anon)
    confirm_by_email(app, anon, ADA)
    (link,) = confirmation_links(app)

    again = app.test_client().get(link)

    assert again.status_code == 400
    assert "Your email address is already confirmed. Please log in." in page_text(again)


def test_a_confirmation_link_expires_after_two_days(app, anon, clock, in_app):
    register(anon)
    (link,) = confirmation_links(app)

    clock(timedelta(days=2, minutes=1))
    late = app.test_client().get(link)

    assert late.status_code == 400
    assert "This link has expired." in page_text(late)
    assert in_app(confirmed_at) is None


@pytest.mark.parametrize(
    "make_token",
    [
        lambda user_id: "not-a-token",
        lambda user_id: tokens.sign("password-reset", {"u": user_id, "e": ""}),
        lambda user_id: URLSafeTimedSerializer(
            "another secret", salt="brokerage-email-confirmation"
        ).dumps({"u": user_id, "e": tokens.fingerprint(ADA)}),
        lambda user_id: tokens.sign("email-confirmation", user_id),
        lambda user_id: tokens.sign("email-confirmation", {"u": user_id, "e": "0" * 16}),
    ],
    ids=["garbage", "another purpose", "another key", "not a dict", "another address"],
)
def test_a_forged_confirmation_link_is_refused(app, anon, in_app, make_token):
    register(anon)
    user_id = in_app(lambda: db.session.scalar(select(User.id).where(User.email == ADA)))

    with app.test_request_context():
        token = make_token(user_id)
    page = anon.get(f"/confirm/{token}")
    pressed = anon.post(f"/confirm/{token}", data={"csrf_token": "x"})

    assert page.status_code == 400
    assert pressed.status_code == 400
    assert in_app(confirmed_at) is None


def test_logging_in_before_confirming_says_to_confirm_first_and_logs_no_one_in(app, anon):
    register(anon)
    client = app.test_client()

    response = log_in(client)

    assert response.status_code == 200
    assert CONFIRM_FIRST in page_text(response)
    assert "we emailed a link to ada@example.org" in page_text(response)
    assert client.get("/account").status_code == 302


def test_a_wrong_password_for_an_unconfirmed_account_says_only_that_it_is_wrong(app, anon):
    register(anon)

    response = log_in(app.test_client(), password="not the passphrase")

    assert CONFIRM_FIRST not in page_text(response)
    assert field_error(response, "password") == "The email address or password is not correct."


def test_the_link_can_be_sent_again_after_the_right_password_and_the_new_one_works(
    app, anon, in_app
):
    register(anon)
    client = app.test_client()
    log_in(client)

    resent = post_form(client, "/register/resend", {})

    assert resent.headers["Location"] == "/register/sent"
    assert len(confirmation_links(app)) == 2
    assert confirm_by_email(app, client, ADA).headers["Location"] == "/organisations/new"
    assert in_app(confirmed_at) is not None


def test_the_link_is_not_sent_again_without_the_right_password_first(app, anon):
    register(anon)
    client = app.test_client()
    log_in(client, password="not the passphrase")

    response = post_form(client, "/register/resend", {})

    assert response.headers["Location"] == "/login"
    assert "Log in to have the confirmation link sent again." in flashed(client.get("/login"))
    assert len(confirmation_links(app)) == 1


def test_nothing_is_sent_again_once_the_address_is_confirmed(app, anon):
    register(anon)
    client = app.test_client()
    log_in(client)
    confirm_by_email(app, anon, ADA)

    response = post_form(client, "/register/resend", {})

    assert response.headers["Location"] == "/login"
    assert len(confirmation_links(app)) == 1


def test_resetting_the_password_by_email_confirms_the_address(app, anon, in_app):
    """The reset link proves the address too, so someone who signed up with another
    person's address cannot keep it from them."""
    register(anon)
    post_form(app.test_client(), "/password-reset", {"email": ADA})
    with app.app_context():
        (reset,) = [m for m in emails_to(ADA) if m.subject == "Reset your password"]
    client = app.test_client()
    new = "my own passphrase now"

    post_form(client, link_in(reset), {"password": new, "confirm": new}, page=link_in(reset))

    assert in_app(confirmed_at) is not None
    assert log_in(client, password=new).status_code == 302


def test_the_check_your_email_page_names_no_address_it_was_not_given(anon):
    response = anon.get("/register/sent")

    assert response.status_code == 200
    assert "We have sent a link to the address you registered with" in page_text(response)


def test_accounts_made_at_the_command_line_are_confirmed(app, in_app):
    runner = app.test_cli_runner()

    result = runner.invoke(
        args=["users", "create", "cli@example.org", "--password-stdin"], input=f"{PASSPHRASE}\n"
    )

    assert result.exit_code == 0, result.output
    assert in_app(lambda: confirmed_at("cli@example.org")) is not None


def test_the_migration_counts_every_existing_account_as_confirmed_since_it_was_made(tmp_path):
    """Accounts from before confirmation (demo, command line, invitations) keep working.
    The engine, not db.session: the suite binds the session to its own database."""
    with fresh_database(tmp_path, "confirmed") as url:
        earlier = build_test_app(url, str(tmp_path / "outbox"))
        with earlier.app_context():
            flask_migrate.downgrade(revision="0017_review")
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO users (email, name, password_hash, session_token, "
                        "is_staff, is_task_force, created_at) VALUES ('old@example.org', 'Old', "
                        "'x', 'tok', false, false, '2024-05-01 09:30:00+00:00')"
                    )
                )
            flask_migrate.upgrade(revision="heads")
            with db.engine.connect() as connection:
                created, confirmed = connection.execute(
                    select(User.created_at, User.email_confirmed_at)
                ).one()
            db.engine.dispose()
    assert confirmed == created
