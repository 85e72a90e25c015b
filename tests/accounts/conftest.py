"""Fixtures for the accounts tests: a small world of organisations and people, and a clock
for signed links."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.accounts import AccountsWorld
from tests.helpers.web import log_in


@pytest.fixture
def accounts_world(create: Callable[..., Any]) -> AccountsWorld:
    organisation = create(
        OrganisationFactory, name="Cowley Bakery", kind="supplier", postcode="OX4 1AA"
    )
    other = create(OrganisationFactory, name="Headington Builders", kind="supplier")
    people = {
        "owner": create(UserFactory, email="owner@bakery.example.org"),
        "member": create(UserFactory, email="member@bakery.example.org"),
        "outsider": create(UserFactory, email="owner@builders.example.org"),
        "task_force": create(UserFactory, email="reviewer@example.org", is_task_force=True),
        "staff": create(UserFactory, email="admin@example.org", is_staff=True),
    }
    for role, organisation_id, member_role in (
        ("owner", organisation.id, "owner"),
        ("member", organisation.id, "member"),
        ("outsider", other.id, "owner"),
    ):
        create(
            MembershipFactory,
            user_id=people[role].id,
            organisation_id=organisation_id,
            role=member_role,
        )
    return AccountsWorld(
        organisation.id, other.id, {role: user.email for role, user in people.items()}
    )


@pytest.fixture
def accounts_client(app: Flask, accounts_world: AccountsWorld) -> Callable[[str], FlaskClient]:
    """`accounts_client("member")`: a client logged in as that person (or anonymous)."""

    def _client(role: str) -> FlaskClient:
        client = app.test_client()
        return client if role == "anon" else log_in(client, accounts_world.emails[role])

    return _client


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """`clock(timedelta(hours=2))`: signed links (and session cookies) see a later time.

    Only itsdangerous' clock moves, so the database and everything else are untouched.
    Session cookies signed meanwhile carry the later time, so use a client for one request.
    """

    def move_forward(by: timedelta) -> None:
        later = time.time() + by.total_seconds()
        monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))

    return move_forward
