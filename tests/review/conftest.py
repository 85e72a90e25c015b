"""The known world of tests/review/world.py, and a client logged in as one of its people."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import log_in
from tests.review.world import World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def client_as(app: Flask, world: World) -> Callable[[str], FlaskClient]:
    """A client logged in as one of the world's people (or anonymous, for "anon")."""

    def _client(key: str) -> FlaskClient:
        client = app.test_client()
        return client if key == "anon" else log_in(client, world.emails[key])

    return _client
