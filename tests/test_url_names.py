"""Endpoints say where they are: a blueprint with a URL prefix is named for it, and a page
under another blueprint's prefix is nested in that blueprint (`review.case_studies.edit` at
/review/...), so an endpoint's name leads to its URL and its URL to its name."""

from __future__ import annotations

import pytest
from flask import Flask, request, url_for
from flask.testing import FlaskClient
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.notifications import service as notifications
from tests.helpers.review import ReviewWorld
from tests.helpers.web import post_form

# Pages of an organisation's listings (blueprints `listings` and `asks`) under
# /organisations/<id>/, the prefix of the accounts package's `organisations` blueprint:
# the one exception left, named in the report of the change that made this check.
SHARED_PREFIXES = {"/organisations": {"listings", "asks"}}


def _prefixed_blueprints(app: Flask) -> dict[str, str]:
    return {name: bp.url_prefix for name, bp in app.blueprints.items() if bp.url_prefix}


def test_a_blueprint_with_a_url_prefix_is_named_for_it(app):
    misnamed = {
        name: prefix
        for name, prefix in _prefixed_blueprints(app).items()
        if name.rsplit(".", 1)[-1] != prefix.strip("/").split("/")[0]
    }
    assert misnamed == {}


def test_every_page_under_a_blueprints_prefix_is_that_blueprints(app):
    strays = []
    for rule in app.url_map.iter_rules():
        for name, prefix in _prefixed_blueprints(app).items():
            under = rule.rule == prefix or rule.rule.startswith(f"{prefix.rstrip('/')}/")
            owner = rule.endpoint.split(".")[0]
            allowed = {name.split(".")[0], *SHARED_PREFIXES.get(prefix, set())}
            if under and owner not in allowed:
                strays.append(f"{rule.endpoint} at {rule.rule}, under {name}'s {prefix}")
    assert strays == []


def _answer(client: FlaskClient, method: str, url: str, form: dict | None = None):
    """The status of a request made by URL, and the endpoint that answered it."""
    with client:
        if method == "GET":
            response = client.get(url)
        else:
            response = post_form(client, url, form or {}, page="/account")
        return response.status_code, request.endpoint


def _notification_for(in_app, email: str) -> int:
    def make() -> int:
        person = db.session.scalar(select(User).where(User.email == email))
        [made] = notifications.notify([person], "A new message", "Body.", "/account")
        db.session.commit()
        return made.id

    return in_app(make)


@pytest.mark.parametrize(
    ("method", "path", "endpoint", "status"),
    [
        ("GET", "/inbox", "inbox.index", 200),
        ("POST", "/inbox/{notification}/open", "inbox.open_notification", 302),
        ("POST", "/inbox/read", "inbox.mark_all_read", 302),
    ],
)
def test_the_inbox_keeps_its_urls_under_its_new_name(
    app, supplier, in_app, method, path, endpoint, status
):
    url = path.format(notification=_notification_for(in_app, supplier.user_email))

    assert _answer(supplier, method, url) == (status, endpoint)


@pytest.mark.parametrize(("method", "status"), [("GET", 200), ("POST", 302)])
def test_the_case_study_page_keeps_its_url_in_the_review_blueprint(
    app, review_client, review_world: ReviewWorld, method, status
):
    match_id = review_world.matches["m1"]
    url = f"/review/outcomes/{match_id}/case-study"
    form = {"shown": "y", "text": "Reading helpers in ARCh's schools."}

    assert _answer(review_client("staff"), method, url, form) == (
        status,
        "review.case_studies.edit",
    )
    with app.test_request_context():
        assert url_for("review.case_studies.edit", match_id=match_id) == url
