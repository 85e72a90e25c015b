"""Workflow fixtures, shared with the home page's tests: a match between a supplier's
published offer and a beneficiary's need (and one with a buyer's opportunity), each side with
a member, plus the task force, staff and an outsider."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from brokerage.accounts.models import Organisation, User
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.listings.models import Listing
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.delivery import DeliveryReport, record_delivery
from brokerage.workflow.evidence import read_upload
from brokerage.workflow.states import State
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.listings import listing_fields
from tests.workflow.evidence_samples import PDF

PEOPLE = ("supplier", "beneficiary", "buyer", "task_force", "staff", "outsider")


@dataclass(frozen=True)
class Pair:
    app: Flask
    users: dict[str, int]
    need_match: int
    opportunity_match: int

    def user(self, key: str) -> User | None:
        return None if key == "system" else db.session.get(User, self.users[key])

    def match(self, which: str = "need") -> Match:
        return db.session.get(Match, self.need_match if which == "need" else self.opportunity_match)


def new_person(organisation: Organisation | None, key: str, **roles: Any) -> int:
    user = UserFactory(email=f"{key}@example.org", name=key.replace("_", " ").title(), **roles)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation, role="member")
    return user.id


def published_listing(organisation: Organisation, kind: str, title: str) -> Listing:
    listing = listings.create_listing(organisation, listing_fields(kind, title=title))
    listings.change_status(listing, "publish", _staff())
    return listing


def _staff() -> User:
    return db.session.scalar(select(User).where(User.is_staff))


def match_of(offer: Listing, seeker: Listing) -> Match:
    """The stored match for the pair (recomputing may already have stored it)."""
    column = Match.need_id if seeker.__tablename__ == "needs" else Match.opportunity_id
    match = db.session.scalar(select(Match).where(Match.offer_id == offer.id, column == seeker.id))
    if match is None:
        match = Match(
            offer_id=offer.id,
            score=0.8,
            location_score=1.0,
            toms_score=0.7,
            fit_score=0.6,
            distance_m=1200.0,
            reasons=["1.2 km away"],
            policy_version=1,
            **{column.key: seeker.id},
        )
        db.session.add(match)
        db.session.flush()
    return match


@pytest.fixture
def pair(app: Flask) -> Pair:
    with app.app_context():
        load_shipped_frameworks()
        supplier = OrganisationFactory(name="Thames Valley Print", kind="supplier")
        beneficiary = OrganisationFactory(name="ARCh Oxfordshire", kind="beneficiary")
        buyer = OrganisationFactory(name="Oxford City Council", kind="buyer")
        users = {
            "staff": new_person(None, "staff", is_staff=True),
            "supplier": new_person(supplier, "supplier"),
            "beneficiary": new_person(beneficiary, "beneficiary"),
            "buyer": new_person(buyer, "buyer"),
            "task_force": new_person(None, "task_force", is_task_force=True),
            "outsider": new_person(OrganisationFactory(kind="supplier"), "outsider"),
        }
        db.session.flush()
        offer = published_listing(supplier, "offer", "Reading volunteers")
        need = published_listing(beneficiary, "need", "Reading helpers for schools")
        opportunity = published_listing(buyer, "opportunity", "Print services")
        db.session.commit()
        need_match = match_of(offer, need).id
        opportunity_match = match_of(offer, opportunity).id
        db.session.commit()
        return Pair(app, users, need_match, opportunity_match)


@pytest.fixture
def in_pair(pair: Pair) -> Callable[[Callable[[Pair], Any]], Any]:
    """Run `function(pair)` in an app context and commit what it did."""

    def _run(function: Callable[[Pair], Any]) -> Any:
        with pair.app.app_context():
            result = function(pair)
            db.session.commit()
            return result

    return _run


# Every kind of person the separation of duties tells apart, for the need match: the sides
# they are a member of ("provider": the offer's supplier, "seeker": the need's beneficiary,
# "elsewhere": another supplier) and their platform role.
KINDS: dict[str, tuple[tuple[str, ...], dict[str, bool]]] = {
    "supplier": (("provider",), {}),
    "beneficiary": (("seeker",), {}),
    "member_of_both": (("provider", "seeker"), {}),
    "task_force": ((), {"is_task_force": True}),
    "task_force_supplier": (("provider",), {"is_task_force": True}),
    "task_force_beneficiary": (("seeker",), {"is_task_force": True}),
    "task_force_of_both": (("provider", "seeker"), {"is_task_force": True}),
    "staff": ((), {"is_staff": True}),
    "staff_supplier": (("provider",), {"is_staff": True}),
    "staff_beneficiary": (("seeker",), {"is_staff": True}),
    "outsider": (("elsewhere",), {}),
}


@pytest.fixture
def every_kind(pair: Pair) -> Pair:
    """The pair, with one person of each of KINDS more (the pair's own keep their keys)."""
    with pair.app.app_context():
        match = pair.match()
        organisations = {
            "provider": match.offer.organisation,
            "seeker": match.seeker.organisation,
            "elsewhere": OrganisationFactory(kind="supplier"),
        }
        for kind, (memberships, roles) in KINDS.items():
            if kind in pair.users:
                continue
            user = UserFactory(email=f"{kind}@example.org", name=kind.title(), **roles)
            for side in memberships:
                MembershipFactory(user=user, organisation=organisations[side], role="member")
            db.session.flush()
            pair.users[kind] = user.id
        db.session.commit()
    return pair


def set_state(match: Match, state: State) -> None:
    """Put a match in a state directly, as a test's starting point."""
    match.state = state.value
    db.session.flush()


def today() -> date:
    """Today, asked when used: a constant taken at collection goes stale across midnight."""
    return date.today()


def report_for_today(code: str, quantity: int, evidence: str) -> DeliveryReport:
    """A delivery of `quantity` of measure `code`, delivered today, built when the test runs."""
    return DeliveryReport(today(), today(), {code: Decimal(quantity)}, evidence)


def delivered_with_a_file(pair: Pair, which: str = "need") -> tuple[int, int]:
    """A delivery recorded through the service with one PDF (not yet committed), as
    (match id, file id)."""
    match = pair.match(which)
    set_state(match, State.AGREED)
    upload = read_upload(FileStorage(io.BytesIO(PDF), "register.pdf"))
    report = DeliveryReport(today(), today(), {"OIEP-S1": Decimal(3)}, "", (upload,))
    delivery = record_delivery(match, pair.user("supplier"), report, today(), None)
    return match.id, delivery.evidence_files[0].id


@pytest.fixture
def evidence_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    """Evidence files go to this test's own folder, so it can see what was kept."""
    folder = tmp_path / "evidence"
    before = app.config.get("EVIDENCE_FOLDER")
    app.config["EVIDENCE_FOLDER"] = str(folder)
    yield folder
    app.config["EVIDENCE_FOLDER"] = before
