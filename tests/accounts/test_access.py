"""Who may open which page: logging in first, and the organisation pages by role."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from brokerage.accounts.models import Invitation, Organisation
from brokerage.accounts.permissions import PUBLIC_ENDPOINTS, SELF_AUTHENTICATING_BLUEPRINTS
from brokerage.extensions import db
from tests.helpers.accounts import ROLES
from tests.helpers.pages import count
from tests.helpers.web import csrf_token, post_form


def sends_to_login(response, path):
    """True if the response sends the visitor to log in, then back to `path`."""
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == "/login" and parse_qs(location.query) == {"next": [path]}


@pytest.mark.parametrize(
    "path",
    [
        "/account",
        "/organisations/",
        "/organisations/new",
        "/organisations/1",
        "/organisations/1/edit",
        "/organisations/999999",
    ],
)
def test_pages_that_need_login_send_anonymous_visitors_to_log_in(anon, path):
    assert sends_to_login(anon.get(path), path)


@pytest.mark.parametrize(
    "path",
    [
        "/account/password",
        "/account/tokens",
        "/account/tokens/1/revoke",
        "/organisations/new",
        "/organisations/1/edit",
        "/organisations/1/invitations",
        "/logout",
    ],
)
def test_forms_that_need_login_send_anonymous_visitors_to_log_in(anon, path):
    assert sends_to_login(post_form(anon, path, {}), path)


def test_no_route_outside_the_public_list_lets_anonymous_visitors_in(app, anon):
    """Every route of every blueprint, so a new page cannot forget to ask for a login."""
    token = csrf_token(anon)
    let_in = []
    for rule in app.url_map.iter_rules():
        blueprint = rule.endpoint.rpartition(".")[0]
        if rule.endpoint in PUBLIC_ENDPOINTS or blueprint in SELF_AUTHENTICATING_BLUEPRINTS:
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **dict.fromkeys(rule.arguments, 1))
        for method in sorted(rule.methods & {"GET", "POST", "PUT", "PATCH", "DELETE"}):
            response = anon.open(path, method=method, data={"csrf_token": token})
            if not sends_to_login(response, path):
                let_in.append(f"{method} {path} ({rule.endpoint}): {response.status_code}")
    assert let_in == []


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/login", 200),
        ("/register", 200),
        ("/password-reset", 200),
        ("/password-reset/not-a-token", 400),
        ("/organisations/invitations/not-a-token", 400),
    ],
)
def test_public_pages_open_without_logging_in(anon, path, status):
    assert anon.get(path).status_code == status


def test_the_api_answers_anonymous_requests_with_401_json_not_a_login_page(anon):
    response = anon.get("/api/v1/me")

    assert response.status_code == 401
    assert response.json["error"] == "unauthorised"


# The organisation pages, by role. LOGIN: sent to log in; SAVED: redirected to the
# organisation's page after the change was saved.
LOGIN, SAVED = "login", "saved"
ENDPOINTS = {
    "show": ("GET", "/organisations/{id}", None),
    "edit form": ("GET", "/organisations/{id}/edit", None),
    "edit": (
        "POST",
        "/organisations/{id}/edit",
        {"name": "Renamed Bakery", "postcode": "OX4 1AA", "description": "Bread."},
    ),
    "invite": (
        "POST",
        "/organisations/{id}/invitations",
        {"email": "new.colleague@example.org", "role": "member"},
    ),
    "list": ("GET", "/organisations/", None),
    "set up": ("GET", "/organisations/new", None),
}
# Columns follow ROLES: anon, owner, member, outsider, task_force, staff.
EXPECTED = {
    "show": (LOGIN, 200, 200, 404, 404, 200),
    "edit form": (LOGIN, 200, 403, 404, 404, 200),
    "edit": (LOGIN, SAVED, 403, 404, 404, SAVED),
    "invite": (LOGIN, SAVED, 403, 404, 404, SAVED),
    "list": (LOGIN, 200, 200, 200, 200, 200),
    "set up": (LOGIN, 200, 200, 200, 200, 200),
}


def _organisation_state(organisation_id):
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.name, organisation.description, count(Invitation)


@pytest.mark.parametrize(
    ("endpoint", "role", "expected"),
    [
        pytest.param(endpoint, role, expected, id=f"{role}-{endpoint}")
        for endpoint, row in EXPECTED.items()
        for role, expected in zip(ROLES, row, strict=True)
    ],
)
def test_organisation_pages_answer_each_role_as_expected(
    accounts_client, accounts_world, in_app, endpoint, role, expected
):
    method, path_template, data = ENDPOINTS[endpoint]
    path = path_template.format(id=accounts_world.organisation_id)
    client = accounts_client(role)
    before = in_app(lambda: _organisation_state(accounts_world.organisation_id))

    response = post_form(client, path, data) if method == "POST" else client.get(path)

    if expected == LOGIN:
        assert sends_to_login(response, path)
    elif expected == SAVED:
        assert response.status_code == 302
        assert response.headers["Location"] == f"/organisations/{accounts_world.organisation_id}"
    else:
        assert response.status_code == expected
    after = in_app(lambda: _organisation_state(accounts_world.organisation_id))
    assert (after != before) == (expected == SAVED)
