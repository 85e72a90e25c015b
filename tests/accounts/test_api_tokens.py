"""Personal API tokens: made and revoked on the account page, used by the JSON API."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import flask_migrate
import pytest
from sqlalchemy import select, text

from brokerage.accounts.models import ApiToken
from brokerage.extensions import db
from brokerage.formatting import format_date
from brokerage.types import utcnow
from tests.helpers.api import create_token, me
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.pages import count, field_error, flashed, page_text
from tests.helpers.web import post_form


def the_tokens():
    return [
        (t.name, t.token_digest, t.prefix, t.revoked_at)
        for t in db.session.scalars(select(ApiToken))
    ]


def revoked_at():
    """When the one stored token was revoked (None while it works)."""
    return db.session.scalar(select(ApiToken.revoked_at))


def token_id(secret):
    return db.session.scalar(
        select(ApiToken.id).where(ApiToken.token_digest == ApiToken.digest(secret))
    )


def test_a_new_token_is_shown_once_and_only_its_sha256_digest_is_stored(supplier, in_app):
    secret = create_token(supplier)

    ((name, digest, prefix, revoked_at),) = in_app(the_tokens)
    assert name == "Council CRM export"
    assert digest == hashlib.sha256(secret.encode()).hexdigest()
    assert prefix == secret[:10]
    assert revoked_at is None
    assert secret not in (name, digest, prefix)
    account = supplier.get("/account").get_data(as_text=True)
    assert "Council CRM export" in account
    assert prefix in account
    assert secret not in account


def test_a_token_authenticates_the_api_as_its_owner(app, supplier, in_app):
    secret = create_token(supplier)

    response = me(app.test_client(), secret)

    assert response.status_code == 200
    assert response.json["email"] == supplier.user_email
    assert [o["id"] for o in response.json["organisations"]] == [supplier.organisation_id]
    assert in_app(lambda: db.session.get(ApiToken, token_id(secret)).last_used_at) is not None


@pytest.mark.parametrize(
    "header",
    [None, "Bearer ", "Bearer svb_not-a-real-token", "Basic dXNlcjpwYXNz", "svb_no-scheme"],
)
def test_the_api_refuses_requests_without_a_valid_token(anon, header):
    response = anon.get("/api/v1/me", headers={"Authorization": header} if header else {})

    assert response.status_code == 401
    assert response.json["error"] == "unauthorised"


def test_revoking_a_token_makes_the_api_refuse_it(app, supplier, in_app):
    secret = create_token(supplier)
    assert me(app.test_client(), secret).status_code == 200

    response = post_form(supplier, f"/account/tokens/{in_app(lambda: token_id(secret))}/revoke", {})

    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    account = supplier.get("/account")
    assert "The token “Council CRM export” has been revoked." in flashed(account)
    assert "revoked" in page_text(account)
    assert in_app(revoked_at) is not None
    refused = me(app.test_client(), secret)
    assert refused.status_code == 401
    assert refused.json["error"] == "unauthorised"


def test_revoking_needs_the_csrf_token(app, supplier, in_app):
    secret = create_token(supplier)

    response = supplier.post(f"/account/tokens/{in_app(lambda: token_id(secret))}/revoke")

    assert response.status_code == 400
    assert in_app(revoked_at) is None
    assert me(app.test_client(), secret).status_code == 200


def test_a_person_cannot_revoke_someone_elses_token(app, supplier, buyer, in_app):
    secret = create_token(supplier)

    response = post_form(buyer, f"/account/tokens/{in_app(lambda: token_id(secret))}/revoke", {})

    assert response.status_code == 302
    assert flashed(buyer.get("/account")) == []
    assert in_app(revoked_at) is None
    assert me(app.test_client(), secret).status_code == 200


def test_revoking_a_token_that_does_not_exist_changes_nothing(supplier, in_app):
    create_token(supplier)

    response = post_form(supplier, "/account/tokens/999999/revoke", {})

    assert response.status_code == 302
    assert in_app(revoked_at) is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("x" * 81, "cannot be longer than 80 characters"),
        ("<script>alert(1)</script>", "Names cannot contain < or >."),
        ("export\x00", "Remove the invisible control characters"),
        ("export\r\nsecond line", "Names must fit on one line."),
    ],
)
def test_a_bad_token_name_is_refused_on_the_field_and_no_token_is_made(
    supplier, in_app, name, message
):
    response = post_form(supplier, "/account/tokens", {"name": name})

    assert response.status_code == 400
    assert message in field_error(response, "name")
    assert "svb_" not in response.get_data(as_text=True)
    assert in_app(lambda: count(ApiToken)) == 0


# Expiry


def expires_at(secret):
    return db.session.scalar(
        select(ApiToken.expires_at).where(ApiToken.token_digest == ApiToken.digest(secret))
    )


def expire(secret, when):
    """Move the token's expiry (the clock cannot be moved for the database)."""
    db.session.get(ApiToken, token_id(secret)).expires_at = when
    db.session.commit()


def test_a_new_token_expires_after_the_configured_number_of_days(supplier, in_app, monkeypatch):
    monkeypatch.setitem(supplier.application.config, "API_TOKEN_DAYS", 30)
    before = utcnow()

    secret = create_token(supplier)

    assert (
        before + timedelta(days=30)
        <= in_app(lambda: expires_at(secret))
        <= utcnow() + timedelta(days=30)
    )


def test_tokens_expire_after_90_days_unless_configured(app):
    assert app.config["API_TOKEN_DAYS"] == 90


def test_the_account_page_shows_when_each_token_expires(supplier, in_app):
    secret = create_token(supplier)
    when = in_app(lambda: expires_at(secret))

    account = page_text(supplier.get("/account"))

    assert f"Council CRM export {secret[:10]}…" in account
    assert format_date(when) in account
    assert "A token stops working 90 days after it is made" in account


def test_an_expired_token_is_refused_with_the_date_it_expired(app, supplier, in_app):
    secret = create_token(supplier)
    yesterday = utcnow() - timedelta(days=1)
    in_app(lambda: expire(secret, yesterday))

    refused = me(app.test_client(), secret)

    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert refused.json == {
        "error": "unauthorised",
        "reason": f"This API token expired on {format_date(yesterday)}. "
        "Make a new one on your account page.",
    }
    assert "expired" in page_text(supplier.get("/account"))


def test_a_token_works_until_the_moment_it_expires(app, supplier, in_app):
    secret = create_token(supplier)
    in_app(lambda: expire(secret, utcnow() + timedelta(minutes=1)))

    assert me(app.test_client(), secret).status_code == 200


def test_the_migration_gives_existing_tokens_90_days_from_the_day_it_runs(tmp_path):
    """Counted from the migration, not from when each token was made, so no integration
    stops without its owner seeing the date first. The engine, not db.session: the suite
    binds the session to its own database."""
    with fresh_database(tmp_path, "token_expiry") as url:
        earlier = build_test_app(url, str(tmp_path / "outbox"))
        with earlier.app_context():
            flask_migrate.downgrade(revision="0020_trades")
            with db.engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO users (id, email, name, password_hash, session_token, "
                        "is_staff, is_task_force, created_at) VALUES (1, 'old@example.org', "
                        "'Old', 'x', 'tok', false, false, '2024-05-01 09:30:00+00:00')"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO api_tokens (user_id, name, token_digest, prefix, "
                        "created_at) VALUES (1, 'old', 'digest', 'svb_old', "
                        "'2024-05-01 09:30:00+00:00')"
                    )
                )
            before = utcnow()
            flask_migrate.upgrade(revision="heads")
            with db.engine.connect() as connection:
                expiry = connection.execute(select(ApiToken.expires_at)).scalar_one()
            db.engine.dispose()
    assert before + timedelta(days=90) <= expiry <= utcnow() + timedelta(days=90)
