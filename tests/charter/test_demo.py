"""The charter's demo records: fictional suppliers at three stages, created once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.charter import demo
from brokerage.charter.models import CheckIn, Signee
from brokerage.extensions import db
from tests.factories import OrganisationFactory, UserFactory

TODAY = date(2026, 11, 25)


STAFF_EMAIL = "staff@example.org"


def _seed() -> list[str]:
    staff = db.session.scalar(select(User).where(User.email == STAFF_EMAIL))
    created = demo.seed_demo(staff, TODAY)
    db.session.commit()
    return created


def test_the_demo_signs_up_the_fictional_suppliers_once(create, in_app):
    create(UserFactory, email=STAFF_EMAIL, is_staff=True)
    for signee in in_app(demo.demo_signees):
        create(OrganisationFactory, name=signee.organisation)

    first, second = in_app(_seed), in_app(_seed)

    assert first == [
        "charter pledges (7)",
        "charter toolkit resources (2)",
        "charter signee Thames Valley Print Works",
        "charter signee Leys Community Cleaning Co-operative",
        "charter signee Cowley Road Catering CIC",
    ]
    assert second == []

    def state():
        signees = db.session.scalars(select(Signee).order_by(Signee.id)).all()
        held = db.session.scalars(select(CheckIn.kind).where(CheckIn.held_on.is_not(None))).all()
        return [(s.name, s.status) for s in signees], sorted(held)

    assert in_app(state) == (
        [
            ("Thames Valley Print Works", "approved"),
            ("Leys Community Cleaning Co-operative", "approved"),
            ("Cowley Road Catering CIC", "pending"),
        ],
        ["baseline", "month_3"],
    )


def test_the_demo_skips_organisations_that_are_not_there(in_app):
    assert in_app(_seed) == ["charter pledges (7)", "charter toolkit resources (2)"]
