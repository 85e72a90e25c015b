"""Logging in and out, "remember me", and where the login sends people next."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from tests.factories import PASSWORD, UserFactory
from tests.helpers.pages import field_error, flashed, page_text
from tests.helpers.web import csrf_token, log_in, post_form

WRONG = "The email address or password is not correct."


@pytest.fixture
def ada(create):
    return create(UserFactory, email="ada@example.org", name="Ada Lovelace")


def log_in_form(client, email="ada@example.org", password=PASSWORD, url="/login", **extra):
    return post_form(client, url, {"email": email, "password": password, **extra})


def last_login(email):
    return db.session.scalar(select(User.last_login_at).where(User.email == email))


def test_logging_in_records_the_time_and_opens_the_account_page(anon, ada, in_app):
    response = log_in_form(anon)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "You are logged in." in flashed(anon.get("/"))
    assert anon.get("/account").status_code == 200
    assert in_app(lambda: last_login("ada@example.org")) is not None


def test_the_account_page_shows_who_is_logged_in(anon, ada):
    log_in(anon, "ada@example.org")

    assert "Ada Lovelace · ada@example.org" in page_text(anon.get("/account"))


def test_the_email_address_is_matched_in_any_case(anon, ada):
    assert log_in_form(anon, email="ADA@Example.org").status_code == 302


def test_a_wrong_password_and_an_unknown_email_get_the_same_message(app, ada, in_app):
    wrong_password = log_in_form(app.test_client(), password="not the password at all")
    unknown_email = log_in_form(app.test_client(), email="nobody@example.org")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert field_error(wrong_password, "password") == WRONG
    assert field_error(unknown_email, "password") == WRONG
    assert field_error(wrong_password, "email") == field_error(unknown_email, "email") == ""
    assert in_app(lambda: last_login("ada@example.org")) is None


def test_a_failed_login_keeps_the_email_but_not_the_password(anon, ada):
    html = log_in_form(anon, password="not the password at all").get_data(as_text=True)

    assert 'value="ada@example.org"' in html
    assert "not the password at all" not in html


def test_ticking_remember_me_sets_a_remember_cookie(anon, ada):
    log_in_form(anon, remember="y")

    assert anon.get_cookie("remember_token") is not None


def test_not_ticking_remember_me_sets_no_remember_cookie(anon, ada):
    log_in_form(anon)

    assert anon.get_cookie("remember_token") is None


def test_a_remembered_person_stays_logged_in_when_the_browser_session_ends(anon, ada):
    log_in_form(anon, remember="y")
    anon.delete_cookie("session")

    assert anon.get("/account").status_code == 200


def test_a_person_not_remembered_is_logged_out_when_the_browser_session_ends(anon, ada):
    log_in_form(anon)
    anon.delete_cookie("session")

    assert anon.get("/account").status_code == 302


def test_logging_out_with_a_get_is_not_allowed_and_keeps_the_session(anon, ada):
    log_in(anon, "ada@example.org")

    assert anon.get("/logout").status_code == 405
    assert anon.get("/account").status_code == 200


def test_logging_out_without_the_csrf_token_is_refused_and_keeps_the_session(anon, ada):
    log_in(anon, "ada@example.org")

    assert anon.post("/logout").status_code == 400
    assert anon.get("/account").status_code == 200


def test_logging_out_ends_the_session_and_forgets_the_remembered_login(anon, ada):
    log_in_form(anon, remember="y")

    response = post_form(anon, "/logout", {})

    assert response.status_code == 302
    assert "You are logged out." in flashed(anon.get("/"))
    assert anon.get_cookie("remember_token") is None
    assert anon.get("/account").headers["Location"] == "/login?next=%2Faccount"


@pytest.mark.parametrize(
    "target", ["/account", "/organisations/new?from=login", "/organisations/", "/account#tokens"]
)
def test_logging_in_goes_back_to_the_page_asked_for(anon, ada, target):
    response = log_in_form(anon, url=f"/login?next={quote(target, safe='')}")

    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "http://evil.example/account",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "\t//evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "account",
        "/account\r\nSet-Cookie: stolen=1",
        "/account\x00",
    ],
)
def test_logging_in_ignores_a_next_page_off_this_site(anon, ada, target):
    response = log_in_form(anon, url=f"/login?next={quote(target, safe='')}")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert anon.get("/account").status_code == 200


def test_the_next_page_can_also_come_from_the_form(anon, ada):
    response = post_form(
        anon, "/login", {"email": "ada@example.org", "password": PASSWORD, "next": "/account"}
    )

    assert response.headers["Location"] == "/account"


def test_a_login_without_the_csrf_token_is_refused(anon, ada):
    response = anon.post("/login", data={"email": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 400
    assert anon.get("/account").status_code == 302


def test_a_login_with_a_token_from_another_session_is_refused(app, anon, ada):
    token_of_someone_else = csrf_token(app.test_client())

    response = anon.post(
        "/login",
        data={
            "email": "ada@example.org",
            "password": PASSWORD,
            "csrf_token": token_of_someone_else,
        },
    )

    assert response.status_code == 400
    assert anon.get("/account").status_code == 302
