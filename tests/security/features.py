"""The objects of other features that the security world makes on first use (see
World.feature): each builder runs in an app context and its caller commits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from brokerage.accounts.models import Organisation, User
from brokerage.charter import pledges as charter_pledges
from brokerage.charter import service as charter_service
from brokerage.charter import toolkit as charter_toolkit
from brokerage.charter.models import CheckInRecord, Signee
from brokerage.extensions import db
from brokerage.listings import columns
from brokerage.listings import service as listings_service
from brokerage.matches.models import Match
from brokerage.notices.models import ImportedOrganisation, Procurement
from brokerage.notifications import service as notifications_service
from brokerage.notifications.models import Notification
from brokerage.places import service as places_service
from brokerage.plan.event_models import Event
from brokerage.plan.models import FundingSource, Plan, Project
from brokerage.plan.resource_models import Resource
from brokerage.toms import service as toms_service
from brokerage.toms.models import Measure
from brokerage.workflow.evidence import Upload, keep
from brokerage.workflow.models import Delivery, DeliveryLine

if TYPE_CHECKING:
    from tests.helpers.security import SecurityWorld


def _build_charter(security_world: SecurityWorld) -> dict[str, int]:
    """The loaded pledges; the supplier's organisation signed up and approved (so it has a
    term and check-ins), and the beneficiary's signed up and waiting for approval."""
    charter_pledges.load_pledges()
    pledge = charter_pledges.current_pledges()[0]

    def sign_up(organisation: str, kind: str) -> Signee:
        details = charter_service.SignUp(
            organisation_name=organisation,
            kind=kind,
            postcode="OX4 4HH",
            sector="private",
            size="small",
            employees=12,
            contact_name="Ada Baker",
            contact_email="ada@example.org",
            listed_publicly=True,
            pledges={pledge.id: "Our plan."},
        )
        return charter_service.sign_up(details, date(2024, 1, 15)).signee

    approved = sign_up("The supplier", "supplier")
    charter_service.approve(approved, db.session.get(User, security_world.users["staff"]))
    record = CheckInRecord(
        signed_pledge=approved.signed_pledges[0], status="in_progress", narrative="Going well."
    )
    approved.terms[0].check_ins[0].records.append(record)
    pending = sign_up("The beneficiary", "beneficiary")
    duplicate = sign_up("the supplier ltd", "supplier")  # flagged: it looks like the supplier's
    # Its note to staff's inboxes is not part of this world: their inboxes start empty.
    db.session.execute(delete(Notification).where(Notification.link == charter_service.QUEUE_PATH))
    resource = charter_toolkit.add_resource(
        pledge, charter_toolkit.ResourceEntry("A toolkit page", "", "Help.", "A test.")
    )
    return {
        "signee": approved.id,
        "pending_signee": pending.id,
        "duplicate_signee": duplicate.id,
        "check_in": approved.terms[0].check_ins[0].id,
        "pledge": pledge.id,
        "signed_pledge": approved.signed_pledges[0].id,
        "record": record.id,
        "resource": resource.id,
    }


TOMS_ROW = {
    "framework": "Test framework",
    "theme": "Jobs",
    "outcome": "More local people in work",
    "measure_code": "T-1",
    "measure": "Local people employed",
    "unit": "people",
    "proxy_value_gbp": "",
    "source": "Test source",
}


def _build_toms(security_world: SecurityWorld) -> dict[str, int]:
    toms_service.load_framework_file([TOMS_ROW], "2023/24")
    return {"measure": db.session.scalars(select(Measure.id)).one()}


def _build_places(security_world: SecurityWorld) -> dict[str, int]:
    place = places_service.save_priority_place(
        None,
        name="Blackbird Leys",
        local_authority="Oxford",
        prefixes=[("OX4 6", "")],
        reason="",
        source="",
    )
    return {"place": place.id}


def _build_listings(security_world: SecurityWorld) -> dict[str, int]:
    """A draft offer of the supplier's, a published opportunity of the buyer's and a draft
    need of the beneficiary's: drafts are private to their organisation, published
    listings open to everyone signed in."""
    common = {
        "title": "Reading helpers",
        "description": "Volunteers who read with children.",
        "category": "volunteering",
        "postcode": "OX4 4HH",
    }
    organisation = {
        o: db.session.get(Organisation, i) for o, i in security_world.organisation_ids.items()
    }
    offer = listings_service.create_listing(
        organisation["supplier"],
        columns.OfferFields(
            **common, available_from=None, available_to=None, measures={"T-1": Decimal(3)}
        ),
    )
    opportunity = listings_service.create_listing(
        organisation["buyer"],
        columns.OpportunityFields(
            **common,
            estimated_value_pence=None,
            deadline=listings_service.today() + timedelta(days=60),
            measures={"T-1": Decimal(3)},
        ),
    )
    listings_service.change_status(
        opportunity, "publish", db.session.get(User, security_world.users["buyer"])
    )
    need = listings_service.create_listing(
        organisation["beneficiary"],
        columns.NeedFields(
            **common, deadline=None, quantity_wanted=None, quantity_unit="", measures={"T-1": None}
        ),
    )
    return {"offer": offer.id, "opportunity": opportunity.id, "need": need.id}


def _build_interest(security_world: SecurityWorld) -> dict[str, int]:
    """A published offer of the supplier's and a published need of the beneficiary's: the
    supplier may express interest in the buyer's opportunity or offer help with this need."""
    staff = db.session.get(User, security_world.users["staff"])
    common = {
        "title": "Reading volunteers",
        "description": "Volunteers who read with children.",
        "category": "volunteering",
        "postcode": "OX4 4HH",
    }
    offer = listings_service.create_listing(
        db.session.get(Organisation, security_world.organisation_ids["supplier"]),
        columns.OfferFields(
            **common, available_from=None, available_to=None, measures={"T-1": Decimal(3)}
        ),
    )
    need = listings_service.create_listing(
        db.session.get(Organisation, security_world.organisation_ids["beneficiary"]),
        columns.NeedFields(
            **common, deadline=None, quantity_wanted=None, quantity_unit="", measures={"T-1": None}
        ),
    )
    for listing in (offer, need):
        listings_service.change_status(listing, "publish", staff)
    return {"offer": offer.id, "need": need.id}


def _build_plan_records(security_world: SecurityWorld) -> dict[str, int]:
    """An event, a project with one funding source, and a toolkit resource, in the plan."""
    plan = db.session.scalars(select(Plan)).one()
    event = Event(plan=plan, title="Meet the buyer", kind="meet_the_buyer")
    project = Project(plan=plan, position=1, name="Data hub", stated_total_pence=100_000)
    project.funding_sources.append(FundingSource(source="Local trust", amount_pence=50_000))
    resource = Resource(title="Open data guide", kind="guide", url="https://example.org/guide")
    db.session.add_all([event, project, resource])
    db.session.flush()
    return {
        "event": event.id,
        "project": project.id,
        "funding_source": project.funding_sources[0].id,
        "resource": resource.id,
    }


def _build_notifications(security_world: SecurityWorld) -> dict[str, int]:
    """A notification for the supplier, pointing at their account page."""
    made = notifications_service.notify(
        [db.session.get(User, security_world.users["supplier"])], "A new message", link="/account"
    )
    return {"notification": made[0].id}


def _build_sign_up(security_world: SecurityWorld) -> dict[str, int]:
    """Someone who registered and has not yet opened the confirmation link."""
    newcomer = User(email="newcomer@example.org", name="Newcomer", password_hash="x")
    db.session.add(newcomer)
    db.session.flush()
    return {"newcomer": newcomer.id}


def _build_review(security_world: SecurityWorld) -> dict[str, int]:
    """A delivery of the supplier's offer to the need, confirmed and waiting for the task
    force, and one to the buyer's opportunity, already verified (for case studies)."""
    ids = security_world.feature("listings")
    made = {}
    for key, column, state in (
        ("delivered", "need_id", "delivered"),
        ("verified", "opportunity_id", "verified"),
    ):
        match = Match(
            offer_id=ids["offer"], score=0.8, location_score=1.0, toms_score=0.7,
            fit_score=0.6, distance_m=100.0, policy_version=1, state=state,
            **{column: ids[column.removesuffix("_id")]},
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
        delivery = Delivery(
            match_id=match.id, delivered_from=date.today(), delivered_to=date.today(),
            confirmed_at=match.computed_at,
        )  # fmt: skip
        delivery.lines = [DeliveryLine(measure_code="T-1", unit="people", quantity=Decimal(2))]
        db.session.add(delivery)
        db.session.flush()
        made[key], made[f"{key}_version"] = match.id, match.version
    return made


def _build_match_pages(security_world: SecurityWorld) -> dict[str, int]:
    """Matches of the supplier's offer with three opportunities of the buyer's: one with
    interest expressed, one agreed (to record a delivery) and one delivered (to confirm or
    dispute, with an evidence file).
    None is left suggested: recomputing on commit would replace it."""
    offer_id = security_world.feature("listings")["offer"]
    buyer = db.session.get(Organisation, security_world.organisation_ids["buyer"])
    made = {}
    # All the opportunities first: a new listing recomputes matches, dropping suggested ones.
    opportunities = {
        key: listings_service.create_listing(
            buyer,
            columns.OpportunityFields(
                title=f"Match page {key}",
                description="Printing.",
                category="volunteering",
                postcode="OX4 4HH",
                estimated_value_pence=None,
                deadline=listings_service.today() + timedelta(days=60),
                measures={"T-1": Decimal(3)},
            ),
        )  # fmt: skip
        for key in ("interest_expressed", "agreed", "delivered")
    }
    for key, opportunity in opportunities.items():
        match = Match(
            offer_id=offer_id, opportunity_id=opportunity.id, score=0.8, location_score=1.0,
            toms_score=0.7, fit_score=0.6, distance_m=100.0, policy_version=1, state=key,
        )  # fmt: skip
        db.session.add(match)
        db.session.flush()
        if key == "delivered":
            delivery = Delivery(
                match_id=match.id, delivered_from=date.today(), delivered_to=date.today()
            )
            delivery.lines = [DeliveryLine(measure_code="T-1", unit="people", quantity=Decimal(2))]
            db.session.add(delivery)
            db.session.flush()
            register = Upload("register.pdf", "application/pdf", b"%PDF-1.4\n%%EOF\n")
            supplier = db.session.get(User, security_world.users["supplier"])
            made["evidence_file"] = keep(delivery, [register], supplier)[0].id
        made[key], made[f"{key}_version"] = match.id, match.version
    return made


def _build_notices(security_world: SecurityWorld) -> dict[str, int]:
    """A procurement imported for the buyer's organisation, and an organisation an import
    created that nobody in the world may claim (its domain is none of theirs)."""
    procurement = Procurement(
        ocid="ocds-security-1",
        buyer_id=security_world.organisation_ids["buyer"],
        title="Grounds maintenance",
        notice_type="UK4",
    )
    imported = Organisation(name="An imported council", kind="buyer", postcode="OX1 1BX")
    db.session.add_all(
        [
            procurement,
            ImportedOrganisation(organisation=imported, claim_domain="council.example.gov.uk"),
        ]
    )
    db.session.flush()
    return {"procurement": procurement.id, "imported": imported.id}


FEATURE_BUILDERS: dict[str, Callable[[SecurityWorld], dict[str, int]]] = {
    "plan": _build_plan_records,
    "charter": _build_charter,
    "toms": _build_toms,
    "places": _build_places,
    "listings": _build_listings,
    "notifications": _build_notifications,
    "sign_up": _build_sign_up,
    "review": _build_review,
    "match_pages": _build_match_pages,
    "interest": _build_interest,
    "notices": _build_notices,
}
FEATURE_NEEDS = {
    "listings": ("toms",),
    "review": ("listings",),
    "match_pages": ("listings",),
    "interest": ("listings",),
}
