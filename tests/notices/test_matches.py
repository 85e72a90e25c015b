"""The issue's first "done when": a grounds maintenance tender in OX becomes a draft
opportunity whose matches list grounds maintenance suppliers (and no others)."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.extensions import db
from brokerage.listings.models import OrganisationTrade
from brokerage.notices.models import Procurement
from tests.factories import OrganisationFactory


def _supplier(create, in_app, name: str, code: str) -> int:
    organisation = create(OrganisationFactory, name=name, kind="supplier", postcode="OX4 6JZ")
    in_app(
        lambda: (
            db.session.add(OrganisationTrade(organisation_id=organisation.id, cpv_code=code)),
            db.session.commit(),
        )
    )
    return organisation.id


def test_the_imported_tenders_matches_list_grounds_maintenance_suppliers(
    notices_import, create, in_app, client_for
):
    _supplier(create, in_app, "Cowley Grounds and Gardens", "77314000")
    _supplier(create, in_app, "Headington Office Cleaners", "90910000")
    notices_import("fts-tender-grounds.json")
    opportunity_id = in_app(lambda: db.session.scalar(select(Procurement.opportunity_id)))

    page = client_for(staff=True).get(f"/matching/opportunities/{opportunity_id}")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Cowley Grounds and Gardens" in html
    assert "Headington Office Cleaners" not in html
