"""Logging in, registering and resetting a password: no open redirect through `next`, no
way to learn whether an email has an account, and a clear 429 after too many attempts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from brokerage.accounts import passwords, service
from brokerage.accounts.models import User
from brokerage.charter import views as charter_views
from brokerage.extensions import db
from brokerage.mail import read_outbox
from tests.factories import PASSWORD
from tests.helpers.pages import confirm_by_email, visible_text, where_a_browser_goes
from tests.helpers.web import csrf_token
from tests.security.routes import NEW_PASSWORD

# Values an attacker might put in ?next= to send someone elsewhere after logging in.
HOSTILE_NEXT = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "////evil.example/path",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    " //evil.example",
    "\t//evil.example",
    "\x00//evil.example",
    "http:evil.example",
    "https:/evil.example",
    "https://localhost@evil.example",
    "//localhost@evil.example",
    "http://evil.example\\@localhost/",
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/%0D%0ASet-Cookie:%20x=1",
    "/\u2028/evil.example",
    "\u3002evil.example",
    "//evil.example%2F@localhost",
]


NEW_PERSON = {
    "name": "New Person",
    "email": "new.person@example.org",
    "password": NEW_PASSWORD,
    "confirm": NEW_PASSWORD,
}


def _arrive(app, security_world, form: str, next_page: str):
    """Log in, or register and confirm by the emailed link, with `next`: the last answer."""
    client = app.test_client()
    details = (
        {"email": security_world.emails["member"], "password": PASSWORD}
        if form == "login"
        else NEW_PERSON
    )
    response = client.post(
        f"/{form}",
        query_string={"next": next_page},
        data={"csrf_token": csrf_token(client), **details},
    )
    if form == "register":
        assert response.headers["Location"] == "/register/sent"
        response = confirm_by_email(app, client, NEW_PERSON["email"])
    return response


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
@pytest.mark.parametrize("form", ["login", "register"])
def test_next_never_leads_off_the_site(form, hostile, app, security_world, isolated):
    with isolated():
        response = _arrive(app, security_world, form, hostile)

    assert response.status_code == 302
    assert where_a_browser_goes(response.headers["Location"]) == ("http", "localhost")
    assert "\n" not in response.headers["Location"]


@pytest.mark.parametrize("form", ["login", "register"])
def test_a_next_page_on_the_site_is_honoured(form, app, security_world, isolated):
    with isolated():
        response = _arrive(app, security_world, form, "/organisations/?page=2")

    assert response.headers["Location"] == "/organisations/?page=2"


# Account enumeration -------------------------------------------------------------------


def _without(text: str, *emails: str) -> str:
    for email in emails:
        text = text.replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    app, security_world, monkeypatch
):
    checks = []
    real_check = passwords.check_password_hash
    monkeypatch.setattr(
        passwords, "check_password_hash", lambda h, p: checks.append(h) or real_check(h, p)
    )
    answers = []
    for email in (security_world.emails["member"], "nobody@example.org"):
        client = app.test_client()
        response = client.post(
            "/login",
            data={"csrf_token": csrf_token(client), "email": email, "password": "wrong password"},
        )
        answers.append((response.status_code, _without(response.get_data(as_text=True), email)))

    assert answers[0][0] == answers[1][0] == 200
    assert answers[0][1] == answers[1][1]
    assert "The email address or password is not correct." in answers[0][1]
    # A password hash is checked either way, so the answer takes as long.
    assert len(checks) == 2


def test_a_reset_request_gets_the_same_answer_whether_or_not_the_email_has_an_account(
    app, security_world
):
    answers = []
    for email in (security_world.emails["member"], "nobody@example.org"):
        client = app.test_client()
        response = client.post(
            "/password-reset", data={"csrf_token": csrf_token(client), "email": email}
        )
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], _without(page)))

    assert answers[0] == answers[1]
    assert "If an account exists for that address" in answers[0][2]
    with app.app_context():
        assert len(read_outbox(to=security_world.emails["member"])) == 1
        assert read_outbox(to="nobody@example.org") == []


def _register_as(app, email: str) -> tuple[int, str, str, list[str]]:
    """Status, Location and the page it leads to (the address blanked), and the answer's
    header names, for registering `email` from a new browser."""
    client = app.test_client()
    response = client.post(
        "/register",
        data={"csrf_token": csrf_token(client, "/register"), **NEW_PERSON, "email": email},
    )
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return (
        response.status_code,
        response.headers["Location"],
        _without(page.get_data(as_text=True), email),
        sorted(response.headers.keys()),
    )


def _account(email: str) -> tuple:
    user = db.session.scalar(select(User).where(User.email == email))
    return (
        user.name,
        user.password_hash,
        user.session_token,
        user.email_confirmed_at,
        user.last_login_at,
    )


def test_registering_a_new_and_a_taken_address_gets_the_same_answer(app, security_world, in_app):
    taken = security_world.emails["member"]
    before = in_app(lambda: _account(taken))
    users_before = in_app(lambda: db.session.scalar(select(func.count(User.id))))

    new = _register_as(app, "new.person@example.org")
    again = _register_as(app, taken)

    assert new == again
    assert "We have sent a link to EMAIL to confirm your address." in visible_text(new[2])
    # Only the inbox learns which it was; the taken account is exactly as it was.
    assert in_app(lambda: _account(taken)) == before
    assert in_app(lambda: db.session.scalar(select(func.count(User.id)))) == users_before + 1
    with app.app_context():
        assert [m.subject for m in read_outbox(to=taken)] == ["You already have an account"]
        assert [m.subject for m in read_outbox(to="new.person@example.org")] == [
            "Confirm your email address"
        ]


def test_registering_a_taken_address_costs_a_password_hash_as_a_new_one_does(
    app, security_world, monkeypatch
):
    hashed = []
    real_hash = service.hash_password
    monkeypatch.setattr(service, "hash_password", lambda p: hashed.append(p) or real_hash(p))

    for email in ("new.person@example.org", security_world.emails["member"]):
        _register_as(app, email)

    assert hashed == [NEW_PASSWORD, NEW_PASSWORD]


def test_logging_in_to_an_unconfirmed_account_with_a_wrong_password_is_like_any_other(
    app, security_world
):
    """Only the right password learns that the account waits for confirmation."""
    _register_as(app, "new.person@example.org")
    answers = []
    for email in ("new.person@example.org", security_world.emails["member"], "nobody@example.org"):
        client = app.test_client()
        response = client.post(
            "/login",
            data={"csrf_token": csrf_token(client), "email": email, "password": "wrong password"},
        )
        answers.append((response.status_code, _without(response.get_data(as_text=True), email)))

    assert answers[0] == answers[1] == answers[2]


# Rate limits -----------------------------------------------------------------------------


def _auth_limit(app) -> str:
    return app.config["AUTH_RATE_LIMIT"]


def _login_limit(app) -> str:
    return app.config["LOGIN_FAILURES_PER_ACCOUNT"]


def _charter_limit(app) -> str:
    return app.config.get("CHARTER_SIGN_UP_RATE_LIMIT", charter_views.SIGN_UP_RATE_LIMIT)


# Each public form, with a submission that stores nothing (so the attempts only count), and
# the limit it is held to.
LIMITED_FORMS = {
    "/login": (
        {"email": "someone@example.org", "password": "not the right password"},
        _login_limit,
    ),
    "/register": (
        {"name": "Ada", "email": "ada@example.org", "password": "x", "confirm": "y"},
        _auth_limit,
    ),
    "/password-reset": ({"email": "nobody@example.org"}, _auth_limit),
    "/confirm/not-a-valid-token": ({}, _auth_limit),
    "/password-reset/not-a-valid-token": (
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        _auth_limit,
    ),
    "/charter/sign-up": ({"organisation_name": "Cowley Cycles"}, _charter_limit),
}


@pytest.mark.parametrize("path", sorted(LIMITED_FORMS))
def test_too_many_attempts_get_the_friendly_too_many_requests_page(limited_app, path):
    client = limited_app.test_client()
    token = csrf_token(client)
    form, limit = LIMITED_FORMS[path]
    allowed = int(limit(limited_app).split()[0])

    answers = [
        client.post(path, data={"csrf_token": token, **form}).status_code for _ in range(allowed)
    ]
    refused = client.post(path, data={"csrf_token": token, **form})

    assert 429 not in answers
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert "Try again in" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert "default-src 'self'" in refused.headers["Content-Security-Policy"]
    # Looking at the page is never limited, only submitting it.
    assert client.get(path).status_code in (200, 400)


def test_asking_for_the_confirmation_link_again_is_rate_limited(limited_app):
    client = limited_app.test_client()
    token = csrf_token(client)
    allowed_per_minute = int(_auth_limit(limited_app).split()[0])

    answers = [
        client.post("/register/resend", data={"csrf_token": token}).status_code
        for _ in range(allowed_per_minute)
    ]
    refused = client.post("/register/resend", data={"csrf_token": token})

    assert 429 not in answers
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)
