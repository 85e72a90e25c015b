"""Every API request needs a personal token, except reads from a signed-in browser
session; CSRF plays no part."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g, jsonify
from sqlalchemy import select

from brokerage.accounts import service
from brokerage.accounts.models import ApiToken, User
from brokerage.changes import topic_versions
from brokerage.extensions import db
from brokerage.types import utcnow
from tests import factories
from tests.helpers.api import bearer
from tests.helpers.app import build_test_app
from tests.helpers.web import log_in


def _assert_refused(response) -> None:
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "unauthorised"
    assert "Authorization: Bearer <token>" in body["reason"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic YWRhOnNlY3JldA=="},
        {"Authorization": "Token svb_not-a-real-token"},
        {"Authorization": "Bearer svb_not-a-real-token"},
    ],
    ids=["none", "empty", "scheme-only", "blank-token", "basic", "wrong-scheme", "unknown"],
)
def test_a_request_without_a_valid_token_is_refused(anon, headers):
    _assert_refused(anon.get("/api/v1/me", headers=headers))


def test_a_revoked_token_is_refused(anon, create, token_for, in_app):
    user = create(factories.UserFactory)
    secret = token_for(user.id)

    def revoke() -> None:
        service.revoke_api_token(db.session.scalars(select(ApiToken)).one())
        db.session.commit()

    in_app(revoke)

    _assert_refused(anon.get("/api/v1/me", headers=bearer(secret)))


def test_a_valid_token_shows_who_it_belongs_to(anon, create, token_for):
    user = create(factories.UserFactory, email="ada@example.org", name="Ada", is_task_force=True)
    organisation = create(factories.OrganisationFactory, name="Parent Power", kind="beneficiary")
    create(
        factories.MembershipFactory,
        user_id=user.id,
        organisation_id=organisation.id,
        role="owner",
    )

    response = anon.get("/api/v1/me", headers=bearer(token_for(user.id)))

    assert response.status_code == 200
    assert response.get_json() == {
        "id": user.id,
        "email": "ada@example.org",
        "name": "Ada",
        "staff": False,
        "task_force": True,
        "organisations": [{"id": organisation.id, "name": "Parent Power", "role": "owner"}],
    }


def test_the_scheme_name_is_not_case_sensitive(anon, create, token_for):
    user = create(factories.UserFactory)

    response = anon.get("/api/v1/me", headers={"Authorization": f"bearer {token_for(user.id)}"})

    assert response.status_code == 200


def test_using_a_token_records_when_it_was_last_used(anon, create, token_for, in_app):
    user = create(factories.UserFactory)
    secret = token_for(user.id)

    anon.get("/api/v1/me", headers=bearer(secret))

    assert in_app(lambda: db.session.scalars(select(ApiToken)).one().last_used_at) is not None


def test_using_a_token_keeps_every_cached_page(anon, create, token_for, in_app):
    """Tokens are a topic no cache reads: recording each use makes nothing stale."""
    user = create(factories.UserFactory)
    secret = token_for(user.id)
    before = in_app(topic_versions).copy()

    assert anon.get("/api/v1/me", headers=bearer(secret)).status_code == 200

    assert in_app(lambda: db.session.scalars(select(ApiToken)).one().last_used_at) is not None
    assert in_app(topic_versions) == before


def test_a_token_used_on_a_later_day_records_that_day(anon, create, token_for, in_app):
    user = create(factories.UserFactory)
    secret = token_for(user.id)

    def used_last_week() -> None:
        db.session.scalars(select(ApiToken)).one().last_used_at = utcnow() - timedelta(days=7)
        db.session.commit()

    in_app(used_last_week)
    assert anon.get("/api/v1/me", headers=bearer(secret)).status_code == 200

    used = in_app(lambda: db.session.scalars(select(ApiToken)).one().last_used_at)
    assert used.date() == utcnow().date()


def test_a_signed_in_browser_session_may_read_without_a_token(buyer):
    response = buyer.get("/api/v1/me")

    assert response.status_code == 200
    assert len(response.get_json()["organisations"]) == 1  # the buyer's own organisation


def test_a_browser_session_with_a_bad_token_is_still_refused(buyer):
    _assert_refused(buyer.get("/api/v1/me", headers={"Authorization": "Bearer svb_wrong"}))


def test_the_api_takes_posts_with_a_token_and_no_csrf_token(database_url, tmp_path, create):
    """No v1 endpoint takes a POST yet, so a probe endpoint joins the API blueprint."""
    probe = build_test_app(database_url, str(tmp_path / "outbox"))
    probe.add_url_rule(
        "/api/v1/probe",
        endpoint="api.probe",
        view_func=lambda: jsonify(user=g.api_user.email),
        methods=["POST"],
    )
    user = create(factories.UserFactory, email="ada@example.org")
    with probe.app_context():
        secret = service.create_api_token(db.session.get(User, user.id), "probe")
        db.session.commit()
    client = probe.test_client()

    refused = client.post("/api/v1/probe", json={})
    accepted = client.post("/api/v1/probe", json={}, headers=bearer(secret))
    session_only = log_in(probe.test_client(), "ada@example.org").post("/api/v1/probe", json={})

    assert refused.status_code == 401
    assert session_only.status_code == 401  # a session reads; only a token writes
    assert accepted.status_code == 200
    assert accepted.get_json() == {"user": "ada@example.org"}
