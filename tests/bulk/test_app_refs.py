"""Records made on the site round-trip through the spreadsheets: exports write their app
refs (ORG-12, OFF-3) and an import reads an app ref as that record, updating it without
giving it a partner ref (issue 18)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Organisation
from brokerage.bulk import export
from brokerage.bulk.formats import KINDS
from brokerage.extensions import db
from brokerage.listings import profiles
from brokerage.listings import service as listings
from brokerage.listings.models import Need, Offer, Opportunity
from tests.factories import UserFactory
from tests.helpers.bulk import KIND_ORDER
from tests.helpers.listings import listing_fields

LISTING_OF = {
    "supplier": ("offer", "offers"),
    "buyer": ("opportunity", "opportunities"),
    "beneficiary": ("need", "needs"),
}


@pytest.fixture
def made_on_the_site(app: Flask) -> dict[str, str]:
    """One record of every kind made through the services, as the web pages make them
    (a profile saved, listings published); each one's app ref, by kind."""
    with app.app_context():
        owner = UserFactory()
        made = {}
        for kind, plural, name, size in (
            ("supplier", "suppliers", "Cowley Joinery", "small"),
            ("buyer", "buyers", "Oxford County Council", None),
            ("beneficiary", "beneficiaries", "Rose Hill Readers", None),
        ):
            organisation = accounts.create_organisation(
                owner, name, kind, "OX4 2JY", f"{name} on the site."
            )
            profiles.save_profile(organisation, profiles.ProfileFields(size=size))
            made[plural] = f"ORG-{organisation.id}"  # as the pages write it
            listing_kind, listing_plural = LISTING_OF[kind]
            listing = listings.create_listing(organisation, listing_fields(listing_kind))
            listings.change_status(listing, "publish", owner)
            made[listing_plural] = listing.ref
        db.session.commit()
        return made


def _export(app: Flask, kind: str) -> str:
    with app.app_context():
        return "".join(export.csv_lines(KINDS[kind]))


def _partner_refs() -> list[str | None]:
    return [
        ref
        for model in (Organisation, Offer, Opportunity, Need)
        for ref in db.session.scalars(select(model.external_ref))
    ]


def test_records_made_on_the_site_export_and_import_back_unchanged(
    app, import_bytes, in_app, made_on_the_site
):
    exported = {kind: _export(app, kind) for kind in KIND_ORDER}

    reports = {kind: import_bytes(kind, exported[kind]) for kind in KIND_ORDER}

    for kind, report in reports.items():
        assert report.bad_rows == [], kind
        assert (report.created, report.updated, report.unchanged) == (0, 0, 1), kind
        assert f'\r\n"{made_on_the_site[kind]}",' in exported[kind]
    supplier = made_on_the_site["suppliers"]
    assert f',"{supplier}",' in exported["offers"]
    assert in_app(_partner_refs) == [None] * 6


def test_an_edited_export_updates_the_record_its_app_ref_names(
    app, import_bytes, in_app, made_on_the_site
):
    edited = _export(app, "offers").replace(
        "Reading helpers for east Oxford schools", "Reading helpers for Rose Hill"
    )

    report = import_bytes("offers", edited)

    assert (report.created, report.updated) == (0, 1)
    offer_id = int(made_on_the_site["offers"].split("-")[1])
    offer = in_app(lambda: db.session.get(Offer, offer_id))
    assert (offer.title, offer.external_ref) == ("Reading helpers for Rose Hill", None)


def test_an_app_ref_of_a_record_with_a_partner_ref_is_read_as_that_record(
    app, import_bytes, in_app, made_on_the_site
):
    supplier_ref = made_on_the_site["suppliers"]
    exported = _export(app, "suppliers")

    def give_partner_ref() -> None:
        db.session.get(Organisation, int(supplier_ref.split("-")[1])).external_ref = "SUP-1"
        db.session.commit()

    in_app(give_partner_ref)

    report = import_bytes("suppliers", exported)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    offers = import_bytes("offers", _export(app, "offers"))
    assert (offers.created, offers.updated, offers.unchanged) == (0, 0, 1)
    assert ',"SUP-1",' in _export(app, "offers")


@pytest.mark.parametrize(
    ("kind", "row", "reason"),
    [
        (
            "suppliers",
            "ORG-999999,New Joinery,OX4 2JY,,small,no,no,,",
            "ref ORG-999999 is written as the site's own refs are, but no supplier has it: "
            "give new records refs of your own.",
        ),
        (
            "offers",
            "OFF-999999,ORG-999999,Reading,,OIEP-S6:4,,",
            "ref OFF-999999 is written as the site's own refs are, but no offer has it: "
            "give new records refs of your own.",
        ),
    ],
)
def test_an_app_ref_that_names_no_record_is_a_line_error(import_bytes, kind, row, reason):
    header = ",".join(KINDS[kind].columns)

    report = import_bytes(kind, f"{header}\n{row}\n")

    assert not report.applied
    assert [bad.reason for bad in report.bad_rows] == [reason]


def test_a_new_offer_may_name_its_supplier_by_app_ref(app, import_bytes, in_app, made_on_the_site):
    header = ",".join(KINDS["offers"].columns)
    supplier = made_on_the_site["suppliers"]

    report = import_bytes("offers", f"{header}\nP-OFF-1,{supplier},Reading,,OIEP-S6:4,,\n")

    assert report.created == 1
    owner = in_app(
        lambda: db.session.scalar(
            select(Offer.organisation_id).where(Offer.external_ref == "P-OFF-1")
        )
    )
    assert f"ORG-{owner}" == supplier
