"""Staff actions that others rely on are written to the audit log, with who, when and what,
and only staff read it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from brokerage import audit
from brokerage.accounts.models import Organisation, User
from brokerage.audit.models import AuditEntry
from brokerage.charter import pledges as charter_pledges
from brokerage.charter import service as charter
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.matches.policy import publish_policy
from brokerage.matching import MatchingPolicy
from brokerage.toms import service as toms
from brokerage.toms.models import Measure
from tests import factories
from tests.helpers.charter import sign_up_details
from tests.helpers.listings import listing_fields
from tests.helpers.web import post_form


def _entries(in_app) -> list[tuple[str, str, dict, bool]]:
    def read():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.subject, e.details, e.actor_id) for e in rows]

    return in_app(read)


def _staff_id(in_app, staff) -> int:
    return in_app(lambda: db.session.scalar(select(User.id).where(User.email == staff.user_email)))


def test_granting_a_role_records_who_did_it_and_the_roles_now_held(staff, create, in_app):
    person = create(factories.UserFactory)

    post_form(
        staff,
        f"/admin/people/{person.id}/roles",
        {f"u{person.id}-is_task_force": "y", f"u{person.id}-csrf_token": ""},
    )

    assert _entries(in_app) == [
        (
            "roles.change",
            f"user #{person.id}",
            {"staff": False, "task_force": True},
            _staff_id(in_app, staff),
        )
    ]


def test_saving_the_same_roles_again_records_nothing(staff, create, in_app):
    person = create(factories.UserFactory, is_task_force=True)

    post_form(
        staff,
        f"/admin/people/{person.id}/roles",
        {f"u{person.id}-is_task_force": "y", f"u{person.id}-csrf_token": ""},
    )

    assert _entries(in_app) == []


def test_verifying_and_withdrawing_verification_are_both_recorded(staff, create, in_app):
    supplier = create(factories.OrganisationFactory, name="Thames Valley Print", kind="supplier")

    for change in ("verify", "unverify"):
        post_form(staff, f"/organisations/{supplier.id}/profile/{change}", {})

    subject = f"organisation #{supplier.id} Thames Valley Print"
    assert [(action, s) for action, s, *_ in _entries(in_app)] == [
        ("organisation.verify", subject),
        ("organisation.unverify", subject),
    ]


def test_a_refused_verification_records_nothing(supplier, create, in_app):
    other = create(factories.OrganisationFactory, kind="supplier")

    response = post_form(supplier, f"/organisations/{other.id}/profile/verify", {})

    assert response.status_code == 403
    assert _entries(in_app) == []


def test_staff_unpublishing_a_listing_is_recorded_but_publishing_is_not(staff, create, in_app):
    owner = create(factories.OrganisationFactory, kind="supplier")
    staff_id = _staff_id(in_app, staff)

    def publish_then_unpublish() -> str:
        toms.load_shipped_frameworks()
        offer = listings.create_listing(
            db.session.get(Organisation, owner.id), listing_fields("offer", title="Reading days")
        )
        member_of_staff = db.session.get(User, staff_id)
        listings.change_status(offer, "publish", member_of_staff)
        listings.change_status(offer, "unpublish", member_of_staff)
        db.session.commit()
        return offer.ref

    ref = in_app(publish_then_unpublish)

    assert _entries(in_app) == [("listing.unpublish", f"{ref} Reading days", {}, staff_id)]


def test_adding_a_proxy_value_records_the_value_and_its_source(staff, in_app):
    staff_id = _staff_id(in_app, staff)

    def add() -> None:
        toms.load_shipped_frameworks()
        measure = db.session.scalars(select(Measure).order_by(Measure.id)).first()
        toms.add_proxy_value(
            measure, 1234, "Our council's 2024 table", db.session.get(User, staff_id)
        )
        db.session.commit()

    in_app(add)

    [(action, subject, details, actor_id)] = _entries(in_app)
    assert (action, details, actor_id) == (
        "proxy_value.add",
        {"pence": 1234, "source": "Our council's 2024 table"},
        staff_id,
    )
    assert subject.startswith("measure ")


def test_the_log_page_names_the_actor_and_a_deleted_account_stays_anonymous(staff, create, in_app):
    leaver = create(factories.UserFactory, name="Lee Leaver", is_staff=True)
    person = create(factories.UserFactory)

    def record_then_delete() -> None:
        audit.record(db.session.get(User, leaver.id), "roles.change", f"user #{person.id}")
        audit.record(None, "priority_place.save", "priority place #1 The Leys")
        db.session.commit()

    in_app(record_then_delete)
    named = staff.get("/admin/audit").get_data(as_text=True)
    in_app(lambda: (db.session.delete(db.session.get(User, leaver.id)), db.session.commit()))
    anonymous = staff.get("/admin/audit").get_data(as_text=True)

    assert "Lee Leaver" in named and "a deleted account" not in named
    assert "Lee Leaver" not in anonymous and "a deleted account" in anonymous
    assert "the command line" in named


def test_the_log_filters_by_action_and_refuses_an_unknown_one(staff, in_app):
    def record() -> None:
        audit.record(None, "roles.change", "user #1")
        audit.record(None, "listing.unpublish", "OFF-1 Reading days")
        db.session.commit()

    in_app(record)

    filtered = staff.get("/admin/audit?action=listing.unpublish").get_data(as_text=True)
    refused = staff.get("/admin/audit?action=<script>")

    assert "OFF-1 Reading days" in filtered and "user #1" not in filtered
    assert refused.status_code == 400
    assert "Not a valid choice" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier", "beneficiary", "task_force"])
def test_only_staff_read_the_log(request, role):
    response = request.getfixturevalue(role).get("/admin/audit")

    assert response.status_code in (302, 403)


def test_an_unknown_action_cannot_be_recorded(in_app):
    with pytest.raises(ValueError, match="unknown audit action"):
        in_app(lambda: audit.record(None, "anything.goes", "x"))


def test_publishing_a_matching_policy_is_recorded(staff, in_app):
    staff_id = _staff_id(in_app, staff)

    def publish() -> int:
        version = publish_policy(
            MatchingPolicy(), "Wider local area.", db.session.get(User, staff_id)
        )
        db.session.commit()
        return version.version

    version = in_app(publish)

    assert _entries(in_app) == [
        ("policy.change", f"matching policy version {version}", {}, staff_id)
    ]


def _sign_up(name: str):
    pledge = charter_pledges.current_pledges()[0]
    details = sign_up_details({pledge.id: "Our plan."}, organisation_name=name)
    return charter.sign_up(details, date(2024, 1, 15)).signee


def test_approving_and_declining_charter_sign_ups_are_recorded(staff, in_app):
    staff_id = _staff_id(in_app, staff)

    def decide() -> tuple[int, int]:
        charter_pledges.load_pledges()
        member_of_staff = db.session.get(User, staff_id)
        approved, declined = _sign_up("Cowley Cycles"), _sign_up("Rose Hill Bakery")
        charter.approve(approved, member_of_staff)
        charter.decline(declined, member_of_staff)
        db.session.commit()
        return approved.id, declined.id

    approved_id, declined_id = in_app(decide)

    assert [(action, subject) for action, subject, *_ in _entries(in_app)] == [
        ("charter.approve", f"signee #{approved_id} Cowley Cycles"),
        ("charter.decline", f"signee #{declined_id} Rose Hill Bakery"),
    ]
