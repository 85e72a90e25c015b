"""A small known world of matches, taken through the real workflow, whose dashboard figures
the tests state by hand:

    m1  offer A x need 1         score 0.9  verified (10 hours of OIEP-S6)
    m2  offer A x opportunity 1  score 0.7  delivered and confirmed (5 hours of OIEP-S6, same
                                            dates as m1: a possible double count)
    m3  offer B x need 1         score 0.5  declined by the beneficiary (too far)
    m4  offer B x need 2         score 0.1  suggested
    m5  offer B x opportunity 1  score 0.3  interest from the buyer ten days ago, answered by
                                            supplier B with a message only now (late)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from brokerage.accounts.models import Organisation, User
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.listings.models import Listing
from brokerage.matches.models import Match
from brokerage.toms.models import Measure
from brokerage.toms.service import add_proxy_value, load_shipped_frameworks
from brokerage.workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from brokerage.workflow.models import MatchEvent
from brokerage.workflow.moves import advance, send_message
from brokerage.workflow.states import State
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.listings import listing_fields
from tests.helpers.web import log_in

EVIDENCE = "Timesheets signed by Jane Secret, jane.secret@example.org"
MESSAGE = "A private word between the two sides"
PEOPLE = ("supplier_a", "supplier_b", "beneficiary", "buyer", "task_force", "staff")


@dataclass(frozen=True)
class ReviewWorld:
    users: dict[str, int]
    emails: dict[str, str]
    organisations: dict[str, int]
    matches: dict[str, int]

    def user(self, key: str) -> User:
        return db.session.get(User, self.users[key])

    def match(self, key: str) -> Match:
        return db.session.get(Match, self.matches[key])


def _person(key: str, organisation: Organisation | None, **roles: bool) -> User:
    user = UserFactory(email=f"{key}@review.example.org", name=f"{key.title()} Person", **roles)
    if organisation is not None:
        MembershipFactory(user=user, organisation=organisation, role="member")
    return user


def _published(organisation: Organisation, kind: str, title: str, staff: User) -> Listing:
    listing = listings.create_listing(organisation, listing_fields(kind, title=title))
    listings.change_status(listing, "publish", staff)
    return listing


def _match(offer: Listing, seeker: Listing, score: float) -> Match:
    column = "need_id" if seeker.__tablename__ == "needs" else "opportunity_id"
    match = db.session.scalar(
        select(Match).where(Match.offer_id == offer.id, getattr(Match, column) == seeker.id)
    )
    if match is None:
        match = Match(offer_id=offer.id, **{column: seeker.id})
        db.session.add(match)
    match.score, match.location_score, match.toms_score, match.fit_score = score, 1, 0.5, 0.5
    match.distance_m, match.reasons, match.policy_version = 500.0, [], 1
    db.session.flush()
    return match


def deliver(match: Match, provider: User, seeker: User, hours: int, evidence: str = "") -> None:
    """Agree the match and record `hours` of OIEP-S6 delivered today, confirmed."""
    advance(match, State.INTEREST_EXPRESSED, seeker)
    advance(match, State.IN_DISCUSSION, provider)
    advance(match, State.AGREED, seeker)
    today = date.today()
    report = DeliveryReport(today, today, {"OIEP-S6": Decimal(hours)}, evidence=evidence)
    record_delivery(match, provider, report, today, seen_version=None)
    confirm_delivery(match, seeker, rating=4)


def build_review_world(app: Flask) -> ReviewWorld:
    with app.app_context():
        load_shipped_frameworks()
        orgs = {
            "supplier_a": OrganisationFactory(name="Thames Valley Print", kind="supplier"),
            "supplier_b": OrganisationFactory(name="Leys Cleaning", kind="supplier"),
            "beneficiary": OrganisationFactory(name="ARCh Oxfordshire", kind="beneficiary"),
            "buyer": OrganisationFactory(name="Oxford City Council", kind="buyer"),
        }
        people = {key: _person(key, orgs.get(key)) for key in orgs}
        people["task_force"] = _person("task_force", None, is_task_force=True)
        people["staff"] = _person("staff", None, is_staff=True)
        staff = people["staff"]
        offer_a = _published(orgs["supplier_a"], "offer", "Reading volunteers", staff)
        offer_b = _published(orgs["supplier_b"], "offer", "Cleaning jobs", staff)
        need_1 = _published(orgs["beneficiary"], "need", "Reading helpers", staff)
        need_2 = _published(orgs["beneficiary"], "need", "Tablets for parents", staff)
        opportunity = _published(orgs["buyer"], "opportunity", "Print services", staff)
        db.session.commit()
        m = {
            "m1": _match(offer_a, need_1, 0.9),
            "m2": _match(offer_a, opportunity, 0.7),
            "m3": _match(offer_b, need_1, 0.5),
            "m4": _match(offer_b, need_2, 0.1),
            "m5": _match(offer_b, opportunity, 0.3),
        }
        # Publishing may have stored other pairs: the world holds these five only.
        db.session.execute(delete(Match).where(Match.id.not_in([x.id for x in m.values()])))
        db.session.commit()
        deliver(m["m1"], people["supplier_a"], people["beneficiary"], 10, EVIDENCE)
        send_message(m["m1"], people["beneficiary"], MESSAGE)
        advance(m["m1"], State.VERIFIED, people["task_force"])
        deliver(m["m2"], people["supplier_a"], people["buyer"], 5, EVIDENCE)
        advance(m["m3"], State.DECLINED, people["beneficiary"], reason="too_far")
        interest = advance(m["m5"], State.INTEREST_EXPRESSED, people["buyer"])
        interest.at -= timedelta(days=10)
        db.session.flush()
        send_message(m["m5"], people["supplier_b"], "Sorry for the wait.")
        db.session.commit()
        assert db.session.scalar(select(MatchEvent.id).limit(1)) is not None
        return ReviewWorld(
            users={key: p.id for key, p in people.items()},
            emails={key: p.email for key, p in people.items()},
            organisations={key: o.id for key, o in orgs.items()},
            matches={key: match.id for key, match in m.items()},
        )


def deliver_m5_at_a_proxy_value(review_world: ReviewWorld) -> Match:
    """Staff add a proxy value for OIEP-S6 (£15 an hour, a test figure), then supplier B
    delivers 3 hours on m5 (started afresh): worth £45. The caller commits."""
    measure = db.session.scalars(select(Measure).where(Measure.code == "OIEP-S6")).first()
    add_proxy_value(measure, 1500, "Test source, 2024", review_world.user("staff"))
    match = review_world.match("m5")
    match.state = State.SUGGESTED.value
    db.session.flush()
    deliver(match, review_world.user("supplier_b"), review_world.user("buyer"), 3)
    return match


@pytest.fixture
def review_world(app: Flask) -> ReviewWorld:
    return build_review_world(app)


@pytest.fixture
def review_client(app: Flask, review_world: ReviewWorld) -> Callable[[str], FlaskClient]:
    """A client logged in as one of the world's people (or anonymous, for "anon")."""

    def _client(key: str) -> FlaskClient:
        client = app.test_client()
        return client if key == "anon" else log_in(client, review_world.emails[key])

    return _client
