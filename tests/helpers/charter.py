"""Charter sign-ups, check-ins and forms as the charter tests make and read them; the
`pledge_ids` and `make_signee` fixtures for every folder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from brokerage.charter import pledges as pledge_service
from brokerage.charter import service
from brokerage.charter.check_ins import RecordEntry, record_check_in
from brokerage.charter.models import CheckIn, Pledge, Signee
from brokerage.extensions import db
from tests.factories import UserFactory
from tests.helpers.web import csrf_token

ROLES = ("anon", "member", "buyer", "supplier", "task_force", "staff")
CONTACT = "ada@bakery.example.org"


def sign_up_details(pledges: dict[int, str], **values: Any) -> service.SignUp:
    fields: dict[str, Any] = {
        "organisation_name": "Cowley Bakery",
        "kind": "supplier",
        "postcode": "OX4 1AA",
        "sector": "private",
        "size": "small",
        "employees": 12,
        "contact_name": "Ada Baker",
        "contact_email": CONTACT,
        "listed_publicly": True,
        "pledges": pledges,
        **values,
    }
    return service.SignUp(**fields)


def sign_up_form(
    pledge_ids: dict[str, int], chosen: dict[str, str] | None = None, **values: Any
) -> dict[str, Any]:
    """What the public sign-up form posts: Cowley Bakery, taking the pledges chosen (by code)."""
    data = {
        "organisation_name": "Cowley Bakery",
        "kind": "supplier",
        "postcode": "ox4 1aa",
        "sector": "private",
        "size": "small",
        "employees": "12",
        "contact_name": "Ada Baker",
        "contact_email": CONTACT,
        "listed_publicly": "y",
        "website": "",
    }
    for code, plan in (
        chosen if chosen is not None else {"OCC-5": "Two volunteering days each."}
    ).items():
        data[f"pledge-{pledge_ids[code]}-chosen"] = "y"
        data[f"pledge-{pledge_ids[code]}-plan"] = plan
    data.update(values)
    return data


def check_in_id(signee_id: int, kind: str, term: int = 1) -> int:
    """The id of a signee's check-in (call inside an app context)."""
    signee = db.session.get(Signee, signee_id)
    return next(c.id for c in signee.terms[term - 1].check_ins if c.kind == kind)


def hold_meeting(signee_id: int, kind: str, statuses: dict[str, str], held_on: date) -> None:
    """Hold one of the signee's meetings with a status per pledge code (inside an app
    context); the rest are planned."""
    signee = db.session.get(Signee, signee_id)
    entries = [
        RecordEntry(p.id, statuses.get(p.version.pledge.code, "planned"), None, None, "", "")
        for p in signee.approved_pledges
    ]
    record_check_in(db.session.get(CheckIn, check_in_id(signee_id, kind)), held_on, entries, None)
    db.session.commit()


def check_in(check_in_id_: int) -> CheckIn:
    return db.session.get(CheckIn, check_in_id_)


@dataclass(frozen=True)
class CharterWorld:
    """An approved signee (Cowley Bakery) with a member; people of other organisations."""

    signee_id: int
    organisation_id: int
    member_email: str


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any):
    """Submit a form with the CSRF token the site gave this client."""
    return client.post(
        url, data={"csrf_token": csrf_token(client, "/charter/sign-up"), **(data or {})}, **kwargs
    )


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
