"""Charter fixtures: a small world of people around one signee (pledges and signees come
from tests.helpers.charter)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from brokerage.charter.models import Signee
from brokerage.extensions import db
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.charter import CharterWorld
from tests.helpers.web import log_in


@pytest.fixture
def charter_world(
    make_signee: Callable[..., int], create: Callable[..., Any], in_app
) -> CharterWorld:
    signee_id = make_signee(("OCC-5", "OCC-7"), signed_on=date(2024, 1, 15))
    organisation_id = in_app(lambda: db.session.get(Signee, signee_id).organisation_id)
    member = create(UserFactory, email="baker@bakery.example.org")
    create(MembershipFactory, user_id=member.id, organisation_id=organisation_id, role="member")
    return CharterWorld(signee_id, organisation_id, member.email)


@pytest.fixture
def charter_client(
    app: Flask, charter_world: CharterWorld, request: pytest.FixtureRequest
) -> Callable[[str], Any]:
    """`charter_client("member")`: a client for one of ROLES (buyer and supplier act for other
    organisations; member acts for the signee's own)."""

    def _client(role: str) -> FlaskClient:
        if role == "member":
            return log_in(app.test_client(), charter_world.member_email)
        return request.getfixturevalue(role)

    return _client
