"""`flask notices import`: tenders in the area become draft opportunities, the rest are
counted and skipped, and importing again changes nothing."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.models import Opportunity
from brokerage.notices.models import ImportedOrganisation, PartyIdentifier, Procurement
from tests.helpers.notices import fixture_json, write_json

GROUNDS = "ocds-h6vhtk-0a1b2c"
CONTRACTS_FINDER = "ocds-b5fd17-7c1e2a3b-9f0d-4e5a-8b6c-1d2e3f4a5b6c"


def _procurement(ocid: str) -> Procurement | None:
    return db.session.scalar(select(Procurement).where(Procurement.ocid == ocid))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_tender_with_an_ox_delivery_postcode_becomes_a_draft_opportunity(notices_import, in_app):
    result = notices_import("fts-tender-grounds.json")

    assert result.exit_code == 0, result.output
    assert "procurement(s) 1 new" in result.output

    def check():
        opportunity = _procurement(GROUNDS).opportunity
        assert opportunity.title == "Grounds maintenance of parks and open spaces"
        assert opportunity.status == "draft"
        assert opportunity.postcode == "OX4 4HH"
        assert opportunity.district == "Oxford"
        assert opportunity.deadline.isoformat() == "2027-01-29"
        assert opportunity.estimated_value_pence == 60_000_000
        assert [t.cpv_code for t in opportunity.trades] == ["77310000", "77313000"]
        assert opportunity.notice_url.endswith("/Notice/045678-2026")
        assert "Social value criterion — Social value: 10% of the score." in (
            opportunity.description
        )
        assert opportunity.organisation.name == "Example Oxfordshire District Council"
        assert opportunity.organisation.kind == "buyer"

    in_app(check)


def test_what_the_notice_says_is_kept_with_the_procurement(notices_import, in_app):
    notices_import("fts-tender-grounds.json")

    def check():
        procurement = _procurement(GROUNDS)
        assert procurement.notice_type == "UK4"
        assert (procurement.suitable_for_sme, procurement.suitable_for_vcse) == (True, True)
        assert procurement.contract_starts_on.isoformat() == "2027-04-01"
        assert procurement.contract_ends_on.isoformat() == "2030-03-31"
        assert [(c.name, c.weight_percent) for c in procurement.criteria] == [("Social value", 10)]

    in_app(check)


def test_a_tender_outside_the_area_is_counted_and_skipped(notices_import, in_app):
    result = notices_import("fts-tender-outside-area.json")

    assert result.exit_code == 0
    assert "0 in the area, 1 outside it skipped" in result.output
    assert in_app(lambda: _count(Procurement)) == 0
    assert in_app(lambda: _count(Opportunity)) == 0


def test_importing_the_same_files_again_changes_nothing(notices_import, in_app):
    files = ("fts-tender-grounds.json", "fts-record-package.json", "fts-awards.json")
    notices_import(*files)
    before = in_app(lambda: (_count(Procurement), _count(Opportunity), _count(Organisation)))

    again = notices_import(*files)

    assert again.exit_code == 0
    assert again.output.count("nothing changed") == 0
    assert "procurement(s) 1 unchanged" in again.output
    assert "procurement(s) 2 unchanged" in again.output
    assert (
        in_app(lambda: (_count(Procurement), _count(Opportunity), _count(Organisation))) == before
    )


def test_a_later_release_updates_the_opportunity_and_never_duplicates_it(notices_import, in_app):
    notices_import("fts-tender-grounds.json")

    result = notices_import("fts-tender-grounds-amended.json")

    assert "procurement(s) 1 updated" in result.output

    def check():
        assert _count(Opportunity) == 1
        opportunity = _procurement(GROUNDS).opportunity
        assert opportunity.deadline.isoformat() == "2027-02-12"
        assert opportunity.estimated_value_pence == 65_000_000
        assert opportunity.notice_url.endswith("/Notice/046001-2026")
        assert len(_procurement(GROUNDS).releases) == 2

    in_app(check)


def test_an_earlier_release_imported_later_does_not_undo_the_later_one(notices_import, in_app):
    notices_import("fts-tender-grounds-amended.json")
    notices_import("fts-tender-grounds.json")

    deadline = in_app(lambda: _procurement(GROUNDS).opportunity.deadline)
    assert deadline.isoformat() == "2027-02-12"


def test_a_record_package_merges_the_planned_and_the_tender_notice(notices_import, in_app):
    result = notices_import("fts-record-package.json")

    assert "2 releases of 1 procurements" in result.output

    def check():
        procurement = _procurement("ocds-h6vhtk-0c3d4e")
        assert procurement.notice_type == "UK4"
        assert procurement.opportunity.title == "Community transport for day centres"
        assert procurement.opportunity.postcode == "OX14 3DB"
        assert procurement.opportunity.deadline.isoformat() == "2027-01-22"

    in_app(check)


def test_a_contracts_finder_release_is_read_as_contracts_finder_writes_it(notices_import, in_app):
    result = notices_import("contracts-finder-releases.jsonl")

    assert result.exit_code == 0, result.output

    def check():
        procurement = _procurement(CONTRACTS_FINDER)
        assert procurement.notice_type == "Contracts Finder opportunity"
        assert procurement.delivery_postcode == "OX11 0QX"
        assert procurement.suitable_for_vcse is True
        assert procurement.opportunity.status == "draft"
        assert procurement.opportunity.postcode == "OX11 0QX"
        assert procurement.buyer.name == "Example Vale Housing Trust"
        ids = db.session.scalars(
            select(PartyIdentifier.org_id).where(
                PartyIdentifier.organisation_id == procurement.buyer_id
            )
        ).all()
        assert ids == ["GB-CFS-70412"]

    in_app(check)


def test_a_buyer_already_in_the_brokerage_is_found_by_its_identifier(
    notices_import, in_app, create
):
    from tests.factories import OrganisationFactory

    existing = create(
        OrganisationFactory,
        name="Example Council (as staff typed it)",
        kind="buyer",
        postcode="OX1 1BX",
    )
    in_app(
        lambda: (
            db.session.add(
                PartyIdentifier(organisation_id=existing.id, org_id="GB-PPON-PXYZ-1111-ABCD")
            ),
            db.session.commit(),
        )
    )

    notices_import("fts-tender-grounds.json")

    assert in_app(lambda: _procurement(GROUNDS).buyer_id) == existing.id
    assert in_app(lambda: _count(ImportedOrganisation)) == 0


def test_a_tender_past_its_deadline_is_kept_closed_never_open(notices_import, in_app, tmp_path):
    package = fixture_json("fts-tender-grounds.json")
    package["releases"][0]["tender"]["tenderPeriod"]["endDate"] = "2026-11-30T12:00:00Z"

    result = notices_import(write_json(tmp_path / "old.json", package))

    assert "opportunities 1 created, 1 closed" in result.output
    assert in_app(lambda: _procurement(GROUNDS).opportunity.status) == "archived"


def test_a_withdrawn_notice_closes_the_opportunity(notices_import, in_app, tmp_path):
    notices_import("fts-tender-grounds.json")
    package = fixture_json("fts-tender-grounds.json")
    release = package["releases"][0]
    release.update(id="0a1b2c-049999-2026", date="2026-12-01T12:00:00Z", tag=["tenderCancellation"])
    release["tender"]["status"] = "cancelled"
    release["tender"]["documents"] = [
        {"id": "049999-2026", "documentType": "procurementTerminationNotice", "noticeType": "UK12",
         "url": "https://www.find-tender.service.gov.uk/Notice/049999-2026"}
    ]  # fmt: skip

    result = notices_import(write_json(tmp_path / "withdrawn.json", package))

    assert "opportunities 1 updated, 1 withdrawn" in result.output

    def check():
        procurement = _procurement(GROUNDS)
        assert procurement.is_withdrawn
        assert procurement.notice_type == "UK12"
        assert procurement.opportunity.status == "archived"

    in_app(check)


def test_a_setting_publishes_imported_opportunities_at_once(
    notices_import, in_app, app, monkeypatch
):
    monkeypatch.setitem(app.config, "NOTICES_PUBLISH_AT_ONCE", True)

    result = notices_import("fts-tender-grounds.json")

    assert "opportunities 1 created, 1 published" in result.output
    assert in_app(lambda: _procurement(GROUNDS).opportunity.status) == "published"


def test_a_procurement_a_later_release_puts_in_the_area_keeps_its_earlier_releases(
    notices_import, in_app, tmp_path
):
    package = fixture_json("fts-tender-outside-area.json")
    (outside,) = package["releases"]
    inside = json.loads(json.dumps(outside))
    inside.update(id=f"{outside['id']}-amended", date="2026-11-29T09:00:00Z")
    inside["tender"]["items"][0]["deliveryAddresses"] = [{"postalCode": "OX4 4HH"}]
    package["releases"] = [outside, inside]

    result = notices_import(write_json(tmp_path / "moved.json", package))

    assert "1 in the area, 0 outside it skipped" in result.output

    def check():
        procurement = _procurement(outside["ocid"])
        assert [r["id"] for r in procurement.releases] == [outside["id"], inside["id"]]
        assert procurement.opportunity.postcode == "OX4 4HH"

    in_app(check)
