"""Sessions that end: a copy of a session or remember-me cookie, taken before the person logs
out, changes or resets their password, or signs out everywhere else, signs no one in after."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import PASSWORD, UserFactory
from tests.helpers.pages import emails_to, flashed, link_in, page_text
from tests.helpers.web import post_form

EMAIL = "ada@example.org"
NEW_PASSWORD = "a much better passphrase"


@pytest.fixture
def ada(create):
    return create(UserFactory, email=EMAIL, name="Ada Lovelace")


def remembered_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    post_form(client, "/login", {"email": EMAIL, "password": PASSWORD, "remember": "y"})
    return client


def copy_of(client: FlaskClient, cookie: str, app: Flask) -> FlaskClient:
    """A second browser holding only a copy of `client`'s `cookie`, as a thief would."""
    thief = app.test_client()
    thief.set_cookie(cookie, client.get_cookie(cookie).value)
    return thief


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def log_out(app: Flask, client: FlaskClient) -> None:
    post_form(client, "/logout", {})


def change_password(app: Flask, client: FlaskClient) -> None:
    post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )


def reset_password(app: Flask, client: FlaskClient) -> None:
    post_form(app.test_client(), "/password-reset", {"email": EMAIL})
    with app.app_context():
        (message,) = emails_to(EMAIL)
    post_form(
        app.test_client(), link_in(message), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )


def sign_out_everywhere(app: Flask, client: FlaskClient) -> None:
    post_form(client, "/account/sign-out-everywhere", {})


ENDINGS: dict[str, Callable[[Flask, FlaskClient], None]] = {
    "logging out": log_out,
    "changing the password": change_password,
    "resetting the password": reset_password,
    "signing out everywhere else": sign_out_everywhere,
}


@pytest.mark.parametrize("cookie", ["session", "remember_token"])
@pytest.mark.parametrize("ending", ENDINGS)
def test_a_copied_cookie_signs_no_one_in_after_the_session_ends(app, ada, ending, cookie):
    browser = remembered_client(app)
    thief = copy_of(browser, cookie, app)
    assert is_signed_in(thief)  # the copy works until the person acts

    ENDINGS[ending](app, browser)

    response = thief.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("ending", ["changing the password", "signing out everywhere else"])
def test_the_browser_that_ends_the_other_sessions_stays_signed_in_and_remembered(app, ada, ending):
    browser = remembered_client(app)

    ENDINGS[ending](app, browser)

    assert is_signed_in(browser)
    browser.delete_cookie("session")  # the browser closes; its remember-me cookie stays
    assert is_signed_in(browser)


def test_signing_out_everywhere_else_says_so_on_the_account_page(app, ada):
    browser = remembered_client(app)

    sign_out_everywhere(app, browser)

    assert "You have been signed out everywhere else." in flashed(browser.get("/account"))
    assert "Sign out everywhere else" in page_text(browser.get("/account"))


def test_signing_out_everywhere_else_without_the_form_token_ends_nothing(app, ada):
    browser = remembered_client(app)
    thief = copy_of(browser, "session", app)

    assert browser.post("/account/sign-out-everywhere").status_code == 400

    assert is_signed_in(thief)


def test_signing_out_everywhere_else_needs_a_signed_in_person(app, anon):
    response = post_form(anon, "/account/sign-out-everywhere", {})

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_copied_cookie_is_refused_when_the_signed_in_person_is_cached_in_redis(
    app, ada, with_redis
):
    """Web processes share the cached person through Redis: the copy's first request keeps
    the person there, and logging out in another request still ends it at the next one."""
    browser = remembered_client(app)
    thief = copy_of(browser, "session", app)
    assert is_signed_in(thief)

    log_out(app, browser)

    assert not is_signed_in(thief)
