"""Creating an account through the register form."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from brokerage.accounts import service
from brokerage.accounts.models import User
from brokerage.extensions import db
from tests.factories import UserFactory
from tests.helpers.app import counted_statements
from tests.helpers.pages import (
    confirm_by_email,
    count,
    emails_to,
    field_error,
    flashed,
    link_in,
    page_text,
)
from tests.helpers.web import post_form

GOOD = {
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "password": "analytical engine notes",
    "confirm": "analytical engine notes",
}
TOO_SHORT = "Use at least 10 characters."
TOO_COMMON = "This password is too common; choose one that is harder to guess."
BAD_EMAIL = "Enter an email address like name@example.org."
REQUIRED = "This field is required."
CONTROL = "Remove the invisible control characters from this text."
MARKUP = "Names cannot contain < or >."
ONE_LINE = "Names must fit on one line."


def register(client, **changes):
    return post_form(client, "/register", {**GOOD, **changes})


def the_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def test_registering_emails_a_confirmation_link_and_logs_no_one_in(app, anon, in_app):
    response = register(anon)

    assert response.status_code == 302
    assert response.headers["Location"] == "/register/sent"
    page = anon.get("/register/sent")
    assert "We have sent a link to ada@example.org to confirm your address." in page_text(page)
    assert anon.get("/account").status_code == 302
    assert in_app(lambda: the_user("ada@example.org").email_confirmed_at) is None
    with app.app_context():
        (message,) = emails_to("ada@example.org")
    assert message.subject == "Confirm your email address"
    assert link_in(message).startswith("/confirm/")


def test_following_the_link_confirms_the_address_logs_in_and_goes_on_to_set_up_an_organisation(
    app, anon, in_app
):
    register(anon)

    response = confirm_by_email(app, anon, "ada@example.org")

    assert response.status_code == 302
    assert response.headers["Location"] == "/organisations/new"
    page = anon.get("/organisations/new")
    assert "Welcome, Ada Lovelace. Your email address is confirmed." in flashed(page)
    assert "Set up an organisation" in page_text(page)
    assert anon.get("/account").status_code == 200
    assert in_app(lambda: the_user("ada@example.org").email_confirmed_at) is not None


def test_the_stored_password_is_a_scrypt_hash_never_the_password(anon, in_app):
    register(anon)

    stored = in_app(lambda: the_user("ada@example.org").password_hash)
    assert stored.startswith("scrypt:")
    assert GOOD["password"] not in stored
    assert check_password_hash(stored, GOOD["password"])


def test_the_email_address_is_stored_in_lower_case(anon, in_app):
    response = register(anon, email="Ada.Lovelace@Example.ORG")

    assert response.status_code == 302
    assert in_app(lambda: db.session.scalars(select(User.email)).all()) == [
        "ada.lovelace@example.org"
    ]


def test_a_non_ascii_email_address_is_stored_in_lower_case_on_every_database(anon, in_app):
    response = register(anon, email="Zoë.Ölmez@Example.org")

    assert response.status_code == 302
    assert in_app(lambda: the_user("zoë.ölmez@example.org")) is not None


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        pytest.param("name", {"name": ""}, REQUIRED, id="empty name"),
        pytest.param("name", {"name": "   "}, REQUIRED, id="blank name"),
        pytest.param("email", {"email": ""}, REQUIRED, id="empty email"),
        pytest.param("password", {"password": ""}, REQUIRED, id="empty password"),
        pytest.param("confirm", {"confirm": ""}, REQUIRED, id="empty confirmation"),
        pytest.param(
            "name", {"name": "A" * 121}, "cannot be longer than 120 characters", id="long name"
        ),
        pytest.param(
            "email",
            {"email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 58 + ".org"},
            "cannot be longer than 254 characters",
            id="long email",
        ),
        pytest.param(
            "password",
            {"password": "x" * 129, "confirm": "x" * 129},
            "cannot be longer than 128 characters",
            id="long password",
        ),
        *[
            pytest.param("email", {"email": email}, BAD_EMAIL, id=f"malformed email {email!r}")
            for email in (
                "not-an-email",
                "ada@",
                "@example.org",
                "ada@example",
                "ada@@example.org",
                "ada lovelace@example.org",
                "ada@example..org",
                "ada@example.org\x00",
                "ada@example.org, eve@example.org",
            )
        ],
        pytest.param(
            "password", {"password": "Shor7!pw", "confirm": "Shor7!pw"}, TOO_SHORT, id="short"
        ),
        *[
            pytest.param("password", {"password": p, "confirm": p}, TOO_COMMON, id=f"common {p!r}")
            for p in ("password123", "qwertyuiop", "Password123!", "iloveyou1234")
        ],
        pytest.param(
            "password",
            {"password": "ada@example.org", "confirm": "ada@example.org"},
            "Do not use your email address as your password.",
            id="password is the email",
        ),
        pytest.param(
            "confirm",
            {"confirm": "analytical engine notez"},
            "The two passwords are not the same.",
            id="passwords differ",
        ),
        *[
            pytest.param("name", {"name": name}, MARKUP, id=f"markup {name!r}")
            for name in (
                "<script>alert(1)</script>",
                "<b>Ada</b>",
                "Ada <img src=x onerror=alert(1)>",
                "Ada >",
            )
        ],
        *[
            pytest.param("name", {"name": name}, CONTROL, id=f"control {name!r}")
            for name in ("Ada\x00Lovelace", "Ada\x07", "Ada\x1b[31mLovelace", "Ada\x7f")
        ],
        *[
            pytest.param("name", {"name": name}, ONE_LINE, id=f"line break {name!r}")
            for name in ("Ada\r\nLovelace", "Ada\nLovelace", "Ada\u2028Lovelace")
        ],
    ],
)
def test_bad_registration_is_refused_with_a_message_on_the_field_and_saves_no_one(
    anon, in_app, field, changes, message
):
    response = register(anon, **changes)

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert in_app(lambda: count(User)) == 0
    assert anon.get("/account").status_code == 302


def test_a_refused_form_keeps_what_the_person_typed_except_the_passwords(anon):
    response = register(anon, name="Ada Lovelace", email="ada@example.org", confirm="different")

    html = response.get_data(as_text=True)
    assert 'value="Ada Lovelace"' in html
    assert 'value="ada@example.org"' in html
    assert GOOD["password"] not in html


def test_hostile_markup_typed_as_a_name_comes_back_escaped(anon):
    response = register(anon, name="<script>alert(1)</script>")

    html = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("email", ["ada@example.org", "ADA@Example.org", "Ada@EXAMPLE.ORG"])
def test_an_address_with_an_account_in_any_case_gets_an_email_and_no_second_account(
    app, anon, create, in_app, email
):
    create(UserFactory, email="ada@example.org", name="The first Ada")

    response = register(anon, email=email)

    assert response.status_code == 302
    assert in_app(lambda: db.session.scalars(select(User.name)).all()) == ["The first Ada"]
    with app.app_context():
        (message,) = emails_to("ada@example.org")
    assert message.subject == "You already have an account"
    assert "Hello The first Ada," in message.body
    assert "To log in: https://brokerage.example.org/login" in message.body
    assert "set a new one: https://brokerage.example.org/password-reset" in message.body
    assert "/confirm/" not in message.body


def test_a_sql_fragment_in_the_name_is_stored_literally_and_the_users_table_still_works(
    app, anon, create, in_app
):
    create(UserFactory, email="existing@example.org")
    name = "Robert'); DROP TABLE users;--"

    response = register(anon, name=name)

    assert response.status_code == 302
    assert in_app(lambda: the_user("ada@example.org").name) == name
    assert in_app(lambda: count(User)) == 2
    confirm_by_email(app, anon, "ada@example.org")
    assert name in page_text(anon.get("/account"))


def test_names_and_emails_at_their_longest_are_accepted_and_stored_whole(anon, in_app):
    email = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".org"
    assert len(email) == 254

    response = register(anon, name="N" * 120, email=email)

    assert response.status_code == 302
    assert in_app(lambda: the_user(email).name) == "N" * 120


def test_a_password_at_the_longest_allowed_is_accepted(anon, in_app):
    password = "correct horse " * 9 + "ab"
    assert len(password) == 128

    response = register(anon, password=password, confirm=password)

    assert response.status_code == 302
    assert check_password_hash(in_app(lambda: the_user("ada@example.org").password_hash), password)


def test_the_register_page_fills_in_the_email_an_invitation_was_sent_to(anon):
    response = anon.get("/register?email=invited%40example.org")

    assert response.status_code == 200
    assert 'value="invited@example.org"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "lands_on"), [("/account", "/account"), ("//evil.example", "/organisations/new")]
)
def test_confirming_goes_on_to_the_on_site_next_page_registration_was_given_only(
    app, anon, target, lands_on
):
    post_form(anon, f"/register?next={quote(target, safe='')}", GOOD)

    response = confirm_by_email(app, anon, "ada@example.org")

    assert response.headers["Location"] == lands_on


def _slow_work_of_registering(app, anon, monkeypatch, email):
    """What one registration cost: password hashes, emails sent, and lookups of users."""
    hashed, mailed = [], []
    real_hash, real_send = service.hash_password, service.send_mail
    monkeypatch.setattr(service, "hash_password", lambda p: hashed.append(p) or real_hash(p))
    monkeypatch.setattr(
        service, "send_mail", lambda *a, **k: mailed.append(a) or real_send(*a, **k)
    )
    with app.app_context(), counted_statements() as statements:
        register(anon, email=email)
    lookups = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "users" in s]
    return len(hashed), len(mailed), len(lookups)


def test_a_new_and_a_known_address_cost_registering_the_same_slow_work(app, create, monkeypatch):
    """On SQLite the time taken told a known address from a new one: the same work both
    ways, counted rather than timed (timings flake on a shared machine)."""
    create(UserFactory, email="known@example.org")

    new = _slow_work_of_registering(app, app.test_client(), monkeypatch, "new@example.org")
    known = _slow_work_of_registering(app, app.test_client(), monkeypatch, "known@example.org")

    assert new == known == (1, 1, 1)
