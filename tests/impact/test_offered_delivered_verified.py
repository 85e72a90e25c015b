"""Pledged against delivered, in public: per supplier and TOMs measure, what its published
offers offer, what it recorded as delivered and what the task force verified, on the page,
in its CSV and in GET /api/v1/impact; drafts and organisations with nothing published stay
out.

The review world: Thames Valley Print (supplier A) offers 4 volunteers and 40 hours; it
delivered 10 hours on m1 (verified) and 5 on m2 (confirmed, not verified). Leys Cleaning
(supplier B) offers the same and has delivered nothing.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import service as listings
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.factories import OrganisationFactory
from tests.helpers.listings import listing_fields
from tests.helpers.pages import page_text
from tests.helpers.review import ReviewWorld, deliver_m5_at_a_proxy_value

HOURS = "Employee volunteering hours on local community projects"
VOLUNTEERS = "Reading helper volunteers placed in primary schools"
CSV_URL = "/impact/suppliers.csv"


def _csv_rows(client) -> list[dict[str, str]]:
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _csv_row(rows: list[dict[str, str]], supplier: str, code: str) -> dict[str, str]:
    [row] = [r for r in rows if r["Supplier"] == supplier and r["Measure code"] == code]
    return row


def _api_measure(body: dict, supplier: str, code: str) -> dict:
    [found] = [s for s in body["suppliers"] if s["name"] == supplier]
    [measure] = [m for m in found["measures"] if m["code"] == code]
    return measure


@pytest.fixture
def unpublished(app, review_world: ReviewWorld) -> None:
    """A draft offer of supplier A's, and a supplier with a draft offer only."""
    with app.app_context():
        supplier_a = db.session.get(Organisation, review_world.organisations["supplier_a"])
        listings.create_listing(
            supplier_a,
            listing_fields("offer", title="Draft idea", measures={"OIEP-S6": Decimal(999)}),
        )
        hidden = OrganisationFactory(name="Hidden Joinery", kind="supplier")
        listings.create_listing(hidden, listing_fields("offer", measures={"OIEP-S6": Decimal(777)}))
        db.session.commit()


def test_the_page_shows_offered_delivered_and_verified_per_supplier(review_client, review_world):
    text = page_text(review_client("anon").get("/impact"))

    assert f"Thames Valley Print {HOURS} hours 40 15 10 5" in text
    assert f"Thames Valley Print {VOLUNTEERS} volunteers 4 0 0 0" in text
    assert f"Leys Cleaning {HOURS} hours 40 0 0 0" in text
    assert "Offered Delivered (recorded) Verified Not yet verified" in text


def test_the_csv_gives_offered_delivered_and_verified_in_their_units(review_client, review_world):
    rows = _csv_rows(review_client("anon"))

    assert _csv_row(rows, "Thames Valley Print", "OIEP-S6") == {
        "Supplier": "Thames Valley Print",
        "Measure code": "OIEP-S6",
        "Measure": HOURS,
        "Unit": "hours",
        "Offered": "40",
        "Delivered (recorded)": "15",
        "Verified": "10",
        "Not yet verified": "5",
        "Delivered value (GBP)": "",
        "Verified value (GBP)": "",
    }
    assert _csv_row(rows, "Leys Cleaning", "OIEP-S1")["Offered"] == "4"


def test_the_api_adds_the_supplier_figures_and_keeps_its_earlier_fields(
    review_client, review_world
):
    body = review_client("anon").get("/api/v1/impact").get_json()

    assert _api_measure(body, "Thames Valley Print", "OIEP-S6") == {
        "code": "OIEP-S6",
        "measure": HOURS,
        "unit": "hours",
        "offered": "40",
        "delivered": "15",
        "verified": "10",
        "not_verified": "5",
        "delivered_value_pence": None,
        "verified_value_pence": None,
    }
    assert {"verified_matches", "organisations", "total", "by_theme", "case_studies"} <= set(body)
    assert body["total"]["units"] == [{"unit": "hours", "quantity": "10"}]


@pytest.mark.usefixtures("unpublished")
@pytest.mark.parametrize("path", ["/impact", CSV_URL, "/api/v1/impact"])
def test_draft_offers_and_organisations_with_nothing_published_are_not_shown(
    review_client, review_world, path
):
    text = review_client("anon").get(path).get_data(as_text=True)

    assert "Hidden Joinery" not in text
    for draft in ("999", "777", "Draft idea"):
        assert draft not in text, draft
    assert "Thames Valley Print" in text


def test_a_delivery_valued_by_a_proxy_value_shows_its_pounds_once_recorded_and_once_verified(
    app, review_client, review_world: ReviewWorld
):
    with app.app_context():
        match = deliver_m5_at_a_proxy_value(review_world)
        db.session.commit()
    anon = review_client("anon")
    recorded = _api_measure(anon.get("/api/v1/impact").get_json(), "Leys Cleaning", "OIEP-S6")
    assert (recorded["delivered"], recorded["verified"], recorded["not_verified"]) == (
        "3",
        "0",
        "3",
    )
    assert (recorded["delivered_value_pence"], recorded["verified_value_pence"]) == (4500, None)
    assert f"Leys Cleaning {HOURS} hours 40 3 0 3 £45" in page_text(anon.get("/impact"))

    with app.app_context():
        advance(
            db.session.get(type(match), match.id), State.VERIFIED, review_world.user("task_force")
        )
        db.session.commit()

    row = _csv_row(_csv_rows(anon), "Leys Cleaning", "OIEP-S6")
    assert (row["Delivered (recorded)"], row["Verified"], row["Not yet verified"]) == (
        "3",
        "3",
        "0",
    )
    assert (row["Delivered value (GBP)"], row["Verified value (GBP)"]) == ("45", "45")


def test_a_delivery_the_task_force_rejected_is_not_counted_as_delivered(
    app, review_client, review_world
):
    with app.app_context():
        advance(
            review_world.match("m2"),
            State.DECLINED,
            review_world.user("task_force"),
            reason="evidence_rejected",
        )
        db.session.commit()

    body = review_client("anon").get("/api/v1/impact").get_json()

    measure = _api_measure(body, "Thames Valley Print", "OIEP-S6")
    assert (measure["delivered"], measure["verified"], measure["not_verified"]) == ("10", "10", "0")


def test_large_and_fractional_quantities_are_written_for_people(app, review_client, review_world):
    with app.app_context():
        supplier_b = db.session.get(Organisation, review_world.organisations["supplier_b"])
        offer = listings.create_listing(
            supplier_b,
            listing_fields("offer", title="Big", measures={"OIEP-S6": Decimal("1160.50")}),
        )
        listings.change_status(offer, "publish", review_world.user("staff"))
        db.session.commit()
    anon = review_client("anon")

    assert f"Leys Cleaning {HOURS} hours 1,200.5 0 0 0" in page_text(anon.get("/impact"))
    assert _csv_row(_csv_rows(anon), "Leys Cleaning", "OIEP-S6")["Offered"] == "1,200.5"
    body = anon.get("/api/v1/impact").get_json()
    assert _api_measure(body, "Leys Cleaning", "OIEP-S6")["offered"] == "1,200.5"
    assert "E+" not in page_text(anon.get("/impact"))


def test_suppliers_are_listed_by_name(review_client, review_world, in_app):
    body = review_client("anon").get("/api/v1/impact").get_json()

    names = [s["name"] for s in body["suppliers"]]
    assert names == sorted(names, key=str.casefold)
    published = in_app(
        lambda: db.session.scalars(select(Organisation.name).where(Organisation.kind == "supplier"))
    )
    assert set(names) <= set(published)
