"""Charter fixtures: the collected pledges loaded, signees made through the real services,
and a small world of people around one signee."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from brokerage.charter import pledges as pledge_service
from brokerage.charter import service
from brokerage.charter.models import Pledge, Signee
from brokerage.extensions import db
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.charter import CharterWorld, sign_up_details
from tests.helpers.web import log_in


@pytest.fixture
def pledge_ids(app: Flask) -> dict[str, int]:
    """Load the collected pledges (inside the test's rolled-back transaction): code -> id."""
    with app.app_context():
        pledge_service.load_pledges()
        db.session.commit()
        return {p.code: p.id for p in db.session.scalars(select(Pledge))}


@pytest.fixture
def make_signee(
    app: Flask, pledge_ids: dict[str, int], create: Callable[..., Any]
) -> Callable[..., int]:
    """`make_signee(["OCC-1"], signed_on=date(...), approve=True, **details)` -> signee id."""
    approver = create(UserFactory, name="Charter Staff", is_staff=True)

    def _make(
        codes: tuple[str, ...] = ("OCC-5",),
        *,
        signed_on: date = date(2024, 1, 15),
        approve: bool = True,
        **details: Any,
    ) -> int:
        with app.app_context():
            plans = {pledge_ids[code]: f"Our plan for {code}." for code in codes}
            result = service.sign_up(sign_up_details(plans, **details), signed_on)
            if approve:
                service.approve(result.signee, db.session.get(type(approver), approver.id))
            db.session.commit()
            return result.signee.id

    return _make


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
