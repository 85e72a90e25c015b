"""Logging in, registering and resetting a password: no open redirect through `next`, no
way to learn whether an email has an account, and a clear 429 after too many attempts."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from brokerage.accounts import passwords
from brokerage.charter import views as charter_views
from brokerage.extensions import limiter, talisman
from brokerage.mail import read_outbox
from tests.conftest import build_test_app, csrf_token
from tests.factories import PASSWORD
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


def where_a_browser_goes(location: str) -> tuple[str, str]:
    """Scheme and host a browser would go to from this Location header, read as leniently
    as browsers do: outer spaces and controls stripped, tabs and newlines dropped,
    backslashes taken for slashes."""
    cleaned = location.strip("".join(map(chr, range(33))))
    cleaned = re.sub(r"[\t\n\r]", "", cleaned).replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/login", cleaned))
    return target.scheme, target.hostname or ""


@pytest.mark.parametrize("hostile", HOSTILE_NEXT)
@pytest.mark.parametrize("form", ["login", "register"])
def test_next_never_leads_off_the_site(form, hostile, app, world, isolated):
    details = {
        "login": {"email": world.emails["member"], "password": PASSWORD},
        "register": {
            "name": "New Person",
            "email": "new.person@example.org",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    }[form]
    client = app.test_client()
    with isolated():
        response = client.post(
            f"/{form}",
            query_string={"next": hostile},
            data={"csrf_token": csrf_token(client), **details},
        )

    assert response.status_code == 302
    assert where_a_browser_goes(response.headers["Location"]) == ("http", "localhost")
    assert "\n" not in response.headers["Location"]


@pytest.mark.parametrize("form", ["login", "register"])
def test_a_next_page_on_the_site_is_honoured(form, app, world, isolated):
    details = {
        "login": {"email": world.emails["member"], "password": PASSWORD},
        "register": {
            "name": "New Person",
            "email": "new.person@example.org",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    }[form]
    client = app.test_client()
    with isolated():
        response = client.post(
            f"/{form}",
            query_string={"next": "/organisations/?page=2"},
            data={"csrf_token": csrf_token(client), **details},
        )

    assert response.headers["Location"] == "/organisations/?page=2"


# Account enumeration -------------------------------------------------------------------


def _without(text: str, *emails: str) -> str:
    for email in emails:
        text = text.replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", text)


def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(app, world, monkeypatch):
    checks = []
    real_check = passwords.check_password_hash
    monkeypatch.setattr(
        passwords, "check_password_hash", lambda h, p: checks.append(h) or real_check(h, p)
    )
    answers = []
    for email in (world.emails["member"], "nobody@example.org"):
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


def test_a_reset_request_gets_the_same_answer_whether_or_not_the_email_has_an_account(app, world):
    answers = []
    for email in (world.emails["member"], "nobody@example.org"):
        client = app.test_client()
        response = client.post(
            "/password-reset", data={"csrf_token": csrf_token(client), "email": email}
        )
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"], _without(page)))

    assert answers[0] == answers[1]
    assert "If an account exists for that address" in answers[0][2]
    with app.app_context():
        assert len(read_outbox(to=world.emails["member"])) == 1
        assert read_outbox(to="nobody@example.org") == []


# Rate limits -----------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url, tmp_path, monkeypatch):
    """An app with rate limits on. Limiter and Talisman keep some settings on the shared
    extension objects, so building it would change them for the suite's app: put back."""
    for name in ("enabled", "initialized"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name))
    monkeypatch.setattr(talisman, "app", getattr(talisman, "app", None))
    return build_test_app(database_url, str(tmp_path / "outbox"), RATELIMIT_ENABLED=True)


def _auth_limit(app) -> str:
    return app.config["AUTH_RATE_LIMIT"]


def _charter_limit(app) -> str:
    return app.config.get("CHARTER_SIGN_UP_RATE_LIMIT", charter_views.SIGN_UP_RATE_LIMIT)


# Each public form, with a submission that stores nothing (so the attempts only count), and
# the limit it is held to.
LIMITED_FORMS = {
    "/login": ({"email": "someone@example.org", "password": "not the right password"}, _auth_limit),
    "/register": (
        {"name": "Ada", "email": "ada@example.org", "password": "x", "confirm": "y"},
        _auth_limit,
    ),
    "/password-reset": ({"email": "nobody@example.org"}, _auth_limit),
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
    allowed_per_minute = int(limit(limited_app).split()[0])

    answers = [
        client.post(path, data={"csrf_token": token, **form}).status_code
        for _ in range(allowed_per_minute)
    ]
    refused = client.post(path, data={"csrf_token": token, **form})

    assert 429 not in answers
    assert refused.status_code == 429
    assert refused.mimetype == "text/html"
    assert "Too many attempts" in refused.get_data(as_text=True)
    assert int(refused.headers["Retry-After"]) > 0
    assert "default-src 'self'" in refused.headers["Content-Security-Policy"]
    # Looking at the page is never limited, only submitting it.
    assert client.get(path).status_code in (200, 400)
