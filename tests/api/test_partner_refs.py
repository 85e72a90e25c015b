"""Every JSON item with the app's `ref` answers the partner's ref beside it (`partner_ref`,
null for a record no file named), and organisations their official numbers as org-ids."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.models import Need
from tests import factories
from tests.helpers.api import bearer

# As in tests/directory: the shipped catalogue, and an index that looks on every search.
pytestmark = pytest.mark.usefixtures("shipped_catalogue")


@pytest.fixture
def token(create, token_for) -> dict[str, str]:
    return bearer(token_for(create(factories.UserFactory, is_staff=True).id))


def _give_ref(app, model, record_id, ref):
    with app.app_context():
        db.session.execute(update(model).where(model.id == record_id).values(external_ref=ref))
        db.session.commit()


def test_an_organisation_answers_its_ref_partner_ref_and_org_ids(anon, create, token):
    imported = create(
        factories.OrganisationFactory,
        name="Oxford Printers Ltd",
        external_ref="SUP-001",
        company_number="01234567",
        charity_number="1123456",
    )
    made_here = create(factories.OrganisationFactory, name="Zebra Cafe")

    body = anon.get("/api/v1/organisations", headers=token).get_json()
    items = {item["id"]: item for item in body["results"]}

    assert {k: items[imported.id][k] for k in ("ref", "partner_ref", "identifiers")} == {
        "ref": f"ORG-{imported.id}",
        "partner_ref": "SUP-001",
        "identifiers": ["GB-COH-01234567", "GB-CHC-1123456"],
    }
    assert {k: items[made_here.id][k] for k in ("ref", "partner_ref", "identifiers")} == {
        "ref": f"ORG-{made_here.id}",
        "partner_ref": None,
        "identifiers": [],
    }
    one = anon.get(f"/api/v1/organisations/{imported.id}", headers=token).get_json()
    assert one["partner_ref"] == "SUP-001"


def test_a_supplier_found_in_the_directory_answers_its_partner_ref(
    app,
    anon,
    token,
    make_supplier,
):
    imported = make_supplier("Oak and Ash Joinery")
    made_here = make_supplier("Ash and Oak Carpentry")
    _give_ref(app, Organisation, imported, "SUP-7")

    body = anon.get("/api/v1/suppliers", headers=token).get_json()

    assert {r["ref"]: r["partner_ref"] for r in body["results"]} == {
        f"ORG-{imported}": "SUP-7",
        f"ORG-{made_here}": None,
    }


def test_a_need_found_in_the_directory_answers_its_partner_ref(
    app,
    anon,
    token,
    make_need_or_opportunity,
):
    need = make_need_or_opportunity("need", "Reading volunteers")
    _give_ref(app, Need, need, "N-12")

    [result] = anon.get("/api/v1/needs?q=reading", headers=token).get_json()["results"]

    assert (result["ref"], result["partner_ref"]) == (f"NEED-{need}", "N-12")
