"""Calling the JSON API as its clients do: personal tokens made the way `flask users token`
and the account page make them (the `token_for` fixture, for every folder)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from brokerage.accounts import service
from brokerage.accounts.models import User
from brokerage.extensions import db


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


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
