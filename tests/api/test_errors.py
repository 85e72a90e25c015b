"""API errors are JSON, whatever the client asks for and whether or not it has a token."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers.api import bearer


@pytest.fixture
def headers(create, token_for) -> dict[str, str]:
    return bearer(token_for(create(factories.UserFactory).id))


@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no-token"])
def test_an_unknown_api_route_is_a_json_not_found(anon, headers, with_token):
    response = anon.get("/api/v1/offers/42", headers=headers if with_token else {})

    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "not_found"
    assert body["reason"]


def test_an_api_route_under_an_unknown_version_is_a_json_not_found(anon):
    response = anon.get("/api/v2/me", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/organisations", "/api/v1/organisations/1"])
def test_a_post_to_a_read_only_api_route_is_a_json_method_not_allowed(anon, headers, path):
    response = anon.post(path, json={}, headers=headers)

    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_api_errors_are_json_even_for_a_browser(anon, headers):
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", **headers}

    response = anon.get("/api/v1/organisations?page=0", headers=browser)

    assert response.status_code == 400
    assert response.mimetype == "application/json"
