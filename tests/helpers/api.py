"""Calling the JSON API as its clients do: personal tokens made the way `flask users token`
and the account page make them (the `token_for` fixture, for every folder)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from brokerage.accounts import service
from brokerage.accounts.models import User
from brokerage.extensions import db
from tests.helpers.web import post_form


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def create_token(client: FlaskClient, name: str = "Council CRM export") -> str:
    """The secret of a new token made on the account page, read off the page shown once."""
    response = post_form(client, "/account/tokens", {"name": name})
    assert response.status_code == 200, response.get_data(as_text=True)
    match = re.search(r'value="(svb_[^"]+)"', response.get_data(as_text=True))
    assert match, "the new token's secret is not on the page"
    return match.group(1)


def me(client: FlaskClient, secret: str) -> TestResponse:
    """The API's answer to who this token belongs to."""
    return client.get("/api/v1/me", headers=bearer(secret))


@pytest.fixture
def token_for(in_app) -> Callable[[int], str]:
    """`token_for(user_id)`: a new personal API token's secret for that user."""

    def _token(user_id: int) -> str:
        def make() -> str:
            secret = service.create_api_token(db.session.get(User, user_id), "tests")
            db.session.commit()
            return secret

        return in_app(make)

    return _token
