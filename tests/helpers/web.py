"""Acting as a browser does in Flask's test client: forms with their CSRF token, logging in."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.factories import PASSWORD

CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str = "/login", **kwargs: Any
) -> TestResponse:
    """Submit a form as a browser would: with the CSRF token the site gave this session."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, **kwargs)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
