"""The notices pages (the task force, staff and the buyer's own members), and claiming an
organisation an import created: only by a confirmed address at its own domain."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Membership, Organisation
from brokerage.extensions import db
from brokerage.notices.models import ImportedOrganisation, Procurement
from tests.factories import MembershipFactory, UserFactory
from tests.helpers.web import log_in, post_form

BUYER = "Example Oxfordshire District Council"
TITLE = "Grounds maintenance of parks and open spaces"


@pytest.fixture
def imported(notices_import, in_app) -> dict[str, int]:
    notices_import("fts-tender-grounds.json", "contracts-finder-releases.jsonl")

    def ids():
        buyer = db.session.scalar(select(Organisation.id).where(Organisation.name == BUYER))
        procurement = db.session.scalar(
            select(Procurement.id).where(Procurement.ocid == "ocds-h6vhtk-0a1b2c")
        )
        return {"buyer": buyer, "procurement": procurement}

    return in_app(ids)


def _person(app, create, email: str, **fields):
    user = create(UserFactory, email=email, **fields)
    return log_in(app.test_client(), user.email) if user.email_confirmed_at else user


def test_the_task_force_sees_every_imported_notice_with_its_social_value(imported, client_for):
    task_force = client_for(task_force=True)

    listing = task_force.get("/notices/").get_data(as_text=True)
    page = task_force.get(f"/notices/{imported['procurement']}").get_data(as_text=True)

    assert TITLE in listing and "Estate grounds and landscaping" in listing
    assert "Social value: 10% of the score" in page
    assert "29 January 2027" in page or "29 Jan 2027" in page


def test_a_buyers_member_sees_its_notices_and_no_one_elses(imported, app, create, client_for):
    user = create(UserFactory)
    create(MembershipFactory, user_id=user.id, organisation_id=imported["buyer"], role="member")
    member = log_in(app.test_client(), user.email)

    listing = member.get("/notices/").get_data(as_text=True)

    assert TITLE in listing and "Estate grounds and landscaping" not in listing
    assert member.get(f"/notices/{imported['procurement']}").status_code == 200
    other_buyer = client_for("buyer")
    assert TITLE not in other_buyer.get("/notices/").get_data(as_text=True)
    assert other_buyer.get(f"/notices/{imported['procurement']}").status_code == 404


@pytest.mark.parametrize("role", ["supplier", "beneficiary", "buyer"])
def test_others_cannot_open_a_notice(imported, request, role):
    assert (
        request.getfixturevalue(role).get(f"/notices/{imported['procurement']}").status_code == 404
    )


def test_signed_out_visitors_are_sent_to_log_in(imported, anon):
    for url in ("/notices/", f"/notices/{imported['procurement']}", "/notices/claims"):
        assert anon.get(url).status_code == 302


def test_a_person_at_the_buyers_domain_claims_it_and_becomes_its_owner(
    imported, app, create, in_app
):
    person = _person(app, create, "jo.bloggs@example-district.gov.uk")

    assert BUYER in person.get("/notices/claims").get_data(as_text=True)
    response = post_form(person, f"/notices/claims/{imported['buyer']}", {}, page="/notices/claims")

    assert response.status_code == 302
    role = in_app(
        lambda: db.session.scalar(
            select(Membership.role).where(Membership.organisation_id == imported["buyer"])
        )
    )
    assert role == "owner"
    assert in_app(lambda: db.session.get(ImportedOrganisation, imported["buyer"]).claimed_at)


def test_once_claimed_no_one_else_can_claim_it(imported, app, create, in_app):
    first = _person(app, create, "first@example-district.gov.uk")
    post_form(first, f"/notices/claims/{imported['buyer']}", {}, page="/notices/claims")
    second = _person(app, create, "second@example-district.gov.uk")

    assert BUYER not in second.get("/notices/claims").get_data(as_text=True)
    post_form(second, f"/notices/claims/{imported['buyer']}", {}, page="/notices/claims")

    members = in_app(
        lambda: db.session.scalars(
            select(Membership).where(Membership.organisation_id == imported["buyer"])
        ).all()
    )
    assert len(members) == 1


@pytest.mark.parametrize(
    "email", ["jo@gmail.com", "jo@district.gov.uk", "jo@example-district.gov.uk.elsewhere.org"]
)
def test_an_address_elsewhere_cannot_claim(imported, app, create, in_app, email):
    person = _person(app, create, email)

    assert BUYER not in person.get("/notices/claims").get_data(as_text=True)
    response = post_form(person, f"/notices/claims/{imported['buyer']}", {}, page="/notices/claims")

    assert response.status_code == 302
    assert "You cannot claim" in person.get("/notices/claims").get_data(as_text=True)
    assert (
        in_app(
            lambda: db.session.scalar(
                select(Membership.id).where(Membership.organisation_id == imported["buyer"])
            )
        )
        is None
    )


def test_an_organisation_without_a_proven_domain_is_left_to_staff(imported, in_app):
    """The Contracts Finder buyer gives a contact email but no website at that domain."""
    domain = in_app(
        lambda: db.session.scalar(
            select(ImportedOrganisation.claim_domain)
            .join(Organisation)
            .where(Organisation.name == "Example Vale Housing Trust")
        )
    )
    assert domain is None


def test_a_claim_without_its_csrf_token_is_refused(imported, app, create):
    person = _person(app, create, "jo@example-district.gov.uk")

    assert person.post(f"/notices/claims/{imported['buyer']}").status_code == 400
