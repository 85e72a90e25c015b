"""Award notices: each award recorded with who its supplier was, and the buyers' spend per
year with the shares won by local suppliers, SMEs and VCSEs on the review dashboard and in
its exports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.notices.models import Award, Procurement
from brokerage.notices.spend import spend_shares
from tests.factories import ProfileFactory
from tests.helpers.notices import fixture_json, write_json

BUYER = "Example Oxfordshire District Council"


def _awards() -> list[tuple]:
    rows = db.session.scalars(select(Award).order_by(Award.id))
    return [
        (a.supplier.name, a.value_pence, a.awarded_on.isoformat(), a.supplier_in_area,
         a.supplier_is_sme, a.supplier_is_vcse)
        for a in rows
    ]  # fmt: skip


def _large_award_only(tmp_path):
    package = fixture_json("fts-awards.json")
    package["releases"] = package["releases"][1:]
    return write_json(tmp_path / "large-award.json", package)


def test_each_award_is_recorded_with_who_its_supplier_was(notices_import, in_app):
    result = notices_import("fts-awards.json")

    assert "award rows 2 recorded" in result.output
    assert in_app(_awards) == [
        ("Greenways Grounds Care Ltd", 18_000_000, "2026-06-15", True, True, False),
        ("National Facilities Group plc", 42_000_000, "2026-07-10", False, False, False),
    ]


def test_the_local_sme_and_vcse_shares_are_per_buyer_and_year(notices_import, in_app):
    notices_import("fts-awards.json")

    (share,) = in_app(spend_shares)

    assert (share.buyer, share.year, share.awards, share.awarded_pence) == (
        BUYER, 2026, 2, 60_000_000,
    )  # fmt: skip
    assert (share.local_share, share.sme_share, share.vcse_share) == (0.3, 0.3, 0.0)


def test_an_award_shared_by_suppliers_is_counted_apart_never_split(
    notices_import, in_app, tmp_path
):
    package = fixture_json("fts-awards.json")
    release = package["releases"][0]
    other = dict(release["parties"][1], id="GB-COH-07654321", name="Botley Landscapes Ltd")
    other["identifier"] = {"scheme": "GB-COH", "id": "07654321"}
    release["parties"].append(other)
    release["awards"][0]["suppliers"].append({"id": other["id"], "name": other["name"]})

    notices_import(write_json(tmp_path / "joint.json", package))

    (share,) = in_app(spend_shares)
    assert (share.awards, share.awarded_pence, share.without_value) == (1, 42_000_000, 2)
    assert share.local_share == 0.0


def test_an_award_after_a_tender_belongs_to_its_opportunity(notices_import, in_app, tmp_path):
    notices_import("fts-tender-grounds.json")
    award = fixture_json("fts-awards.json")["releases"][0]
    del award["tender"]  # the other procurement's
    award.update(ocid="ocds-h6vhtk-0a1b2c", id="0a1b2c-051234-2027", date="2027-03-05T09:00:00Z")
    award["awards"][0]["date"] = "2027-03-01T00:00:00Z"

    notices_import(write_json(tmp_path / "award.json", {"releases": [award]}))

    def check():
        procurement = db.session.scalar(
            select(Procurement).where(Procurement.ocid == "ocds-h6vhtk-0a1b2c")
        )
        assert procurement.notice_type == "UK6"
        assert procurement.opportunity.title == "Grounds maintenance of parks and open spaces"
        assert [a.supplier.name for a in procurement.awards] == ["Greenways Grounds Care Ltd"]

    in_app(check)


def _spend_row(html: str) -> str:
    table = html[html.index('id="spend-table"') :]
    return table[: table.index("</table>")]


def test_the_award_fixture_moves_the_local_spend_share_on_the_dashboard(
    notices_import, client_for, tmp_path
):
    task_force = client_for(task_force=True)
    assert "No award notices imported" in _spend_row(
        task_force.get("/review/dashboard").get_data(as_text=True)
    )
    notices_import(_large_award_only(tmp_path))
    before = _spend_row(task_force.get("/review/dashboard").get_data(as_text=True))

    notices_import("fts-awards.json")

    after = _spend_row(task_force.get("/review/dashboard").get_data(as_text=True))
    assert f'{BUYER}</th><td>2026</td><td class="text-end">1</td>' in before
    assert '<td class="text-end">£420,000</td><td class="text-end">0%</td>' in before
    assert '<td class="text-end">£600,000</td><td class="text-end">30%</td>' in after


def test_the_dashboards_period_and_buyer_filters_apply_to_the_awards(
    notices_import, client_for, in_app
):
    notices_import("fts-awards.json")
    task_force = client_for(task_force=True)

    in_july = task_force.get("/review/dashboard?date_from=2026-07-01&date_to=2026-07-31")
    assert "£420,000" in _spend_row(in_july.get_data(as_text=True))
    assert "£600,000" not in _spend_row(in_july.get_data(as_text=True))
    in_2025 = task_force.get("/review/dashboard?date_to=2025-12-31")
    assert "No award notices imported" in _spend_row(in_2025.get_data(as_text=True))


def test_the_spend_export_has_a_row_per_buyer_and_year(notices_import, client_for):
    notices_import("fts-awards.json")

    response = client_for(task_force=True).get("/review/export/spend.csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:6] == [
        "Buyer",
        "Year",
        "Awards counted",
        "Awarded (GBP)",
        "Local (GBP)",
        "Local share",
    ]
    assert rows[1] == [
        BUYER, "2026", "2", "600000.00", "180000.00", "0.3", "180000.00", "0.3", "0.00", "0.0", "0",
    ]  # fmt: skip


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier", "beneficiary"])
def test_only_the_task_force_and_staff_see_the_spend(request, notices_import, role):
    notices_import("fts-awards.json")
    client = request.getfixturevalue(role)

    for url in ("/review/dashboard", "/review/export/spend.csv"):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert BUYER not in response.get_data(as_text=True)


def test_awards_already_imported_are_not_counted_twice(notices_import, in_app):
    notices_import("fts-awards.json")
    notices_import("fts-awards.json")

    (share,) = in_app(spend_shares)
    assert share.awarded_pence == 60_000_000
    assert json.dumps(in_app(_awards)).count("Greenways") == 1


def test_a_supplier_the_notice_does_not_describe_is_described_by_its_profile(
    notices_import, in_app, create, tmp_path
):
    create(
        ProfileFactory,
        organisation__kind="supplier",
        organisation__name="Greenways Grounds Care Ltd",
        organisation__company_number="09876543",
        size="micro",
        is_vcse=True,
    )
    package = fixture_json("fts-awards.json")
    for release in package["releases"]:
        for party in release["parties"]:
            party.pop("details", None)

    notices_import(write_json(tmp_path / "undescribed.json", package))

    (greenways, national) = in_app(_awards)
    assert greenways[0] == "Greenways Grounds Care Ltd"
    assert greenways[-2:] == (True, True)  # an SME and a VCSE, as its profile says
    assert national[-2:] == (None, None)  # no profile, and the notice does not say
