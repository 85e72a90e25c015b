"""Importing each kind: the example files, upserts keyed by ref, and the rules rows obey."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.bulk.formats import CellError
from brokerage.bulk.lookups import Lookups
from brokerage.extensions import db
from brokerage.listings.models import Need, Offer, Opportunity, Profile
from brokerage.places.service import resolve, save_priority_place
from brokerage.places.wards import ward_named
from tests.commits import recorded_commits
from tests.factories import OrganisationFactory
from tests.helpers.bulk import KIND_ORDER, ORGANISATION_HEADER, example
from tests.helpers.pages import count

LISTING_MODELS = {"offers": Offer, "opportunities": Opportunity, "needs": Need}


def _by_ref(model: type, ref: str):
    db.session.expire_all()
    return db.session.scalar(select(model).where(model.external_ref == ref))


def test_each_example_file_imports_every_row(examples_imported, in_app):
    expected = {kind: example(kind).decode().count("\n") - 1 for kind in KIND_ORDER}
    for kind, report in examples_imported.items():
        assert report.applied, report.bad_rows
        assert report.bad_rows == []
        assert report.created == expected[kind] == report.rows

    def check():
        cowley = _by_ref(Organisation, "OXS-0001")
        assert (cowley.name, cowley.kind, cowley.postcode) == (
            "Cowley Road Catering CIC",
            "supplier",
            "OX4 1RF",
        )
        profile = db.session.scalar(select(Profile).where(Profile.organisation_id == cowley.id))
        assert (profile.sector, profile.size, profile.is_vcse, profile.pays_real_living_wage) == (
            "catering",
            "small",
            True,
            True,
        )
        assert profile.website == "https://catering.example.org"
        offer = _by_ref(Offer, "OXO-0001")
        assert offer.status == "published" and offer.published_at is not None
        assert offer.quantities == {"OIEP-S1": Decimal(4), "OIEP-S6": Decimal(40)}
        assert offer.postcode == "OX4 2JY"  # where its supplier is
        assert offer.district == "Oxford" and offer.easting > 0
        opportunity = _by_ref(Opportunity, "OXP-0002")
        assert opportunity.weights == {"OIEP-S6": Decimal(1), "OIEP-G1": Decimal(2)}
        assert opportunity.estimated_value_pence is None
        need = _by_ref(Need, "OXN-0002")
        assert need.quantities == {"OIEP-S5": None, "OIEP-S7": Decimal(76003)}

    in_app(check)


def test_importing_the_same_files_again_changes_nothing(examples_imported, import_bytes, in_app):
    before = in_app(lambda: _by_ref(Offer, "OXO-0001").updated_at)
    for kind in KIND_ORDER:
        report = import_bytes(kind, example(kind))
        assert (report.created, report.updated, report.unchanged) == (0, 0, report.rows)
    assert in_app(lambda: _by_ref(Offer, "OXO-0001").updated_at) == before
    assert in_app(lambda: count(Organisation, Organisation.external_ref.is_not(None))) == 12


def test_a_changed_row_updates_its_record_and_only_it(examples_imported, import_bytes, in_app):
    text = example("offers").decode().replace("OIEP-S1:4;OIEP-S6:40", "OIEP-S6:80")
    report = import_bytes("offers", text)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    offer = in_app(lambda: _by_ref(Offer, "OXO-0001"))
    assert in_app(lambda: _by_ref(Offer, "OXO-0001").quantities) == {"OIEP-S6": Decimal(80)}
    assert offer.updated_at is not None

    renamed = example("suppliers").decode().replace("Didcot Green Builders", "Didcot Builders")
    report = import_bytes("suppliers", renamed)
    assert (report.created, report.updated) == (0, 1)
    assert in_app(lambda: _by_ref(Organisation, "OXS-0005").name) == "Didcot Builders"


def test_an_organisation_registered_on_the_site_is_given_the_ref_not_copied(
    create, import_bytes, in_app
):
    registered = create(
        OrganisationFactory, name="Cowley Road Catering CIC", kind="supplier", postcode="OX4 1RF"
    )
    report = import_bytes("suppliers", example("suppliers"))
    assert report.applied and report.created == 4 and report.updated == 1
    assert in_app(lambda: _by_ref(Organisation, "OXS-0001").id) == registered.id


def test_a_listing_import_announces_a_bulk_change_of_listings_once(
    app, examples_imported, import_bytes
):
    with recorded_commits(app) as commits:
        import_bytes("needs", example("needs").decode().replace("OIEP-S4:6", "OIEP-S4:7"))
        import_bytes("needs", example("needs").decode().replace("OIEP-S4:6", "OIEP-S4:7"))
    announced = [commit for commit in commits if "listings" in commit.bulk_topics]
    assert len(announced) == 1  # the second import changed nothing


def test_html_in_a_description_is_stored_as_text(examples_imported, import_bytes, in_app):
    text = (
        example("offers")
        .decode()
        .replace("Fictional demo offer: refurbished", "<script>alert(1)</script> refurbished")
    )
    assert import_bytes("offers", text).applied
    assert in_app(lambda: _by_ref(Offer, "OXO-0003").description).startswith(
        "<script>alert(1)</script>"
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("OIEP-S6:-4", "cannot be negative"),
        ("OIEP-S6:999999999999", "is more than 100,000,000"),
        ("OIEP-S6:0", "must be more than 0"),
        ("OIEP-S6:lots", "must be a number"),
        ("OIEP-S6:4;OIEP-S6:5", "OIEP-S6 is named twice"),
        ("OIEP-S6", "OIEP-S6 has no quantity"),
        ("", "measures is empty"),
    ],
)
def test_absurd_quantities_are_refused_with_the_reason(
    examples_imported, import_bytes, in_app, cell, reason
):
    header = "ref,supplier_ref,title,description,measures,available_from,available_to"
    text = f"{header}\nNEW-1,OXS-0001,Jobs,,{cell},,\n"
    report = import_bytes("offers", text)
    assert not report.applied
    assert report.bad_rows[0].line == 2 and reason in report.bad_rows[0].reason
    assert in_app(lambda: _by_ref(Offer, "NEW-1")) is None


def test_suppliers_need_a_size_but_buyers_need_not(import_bytes):
    row = "B-1,Witney Town Council,OX28 1NB,,,no,no,,"
    assert import_bytes("buyers", f"{ORGANISATION_HEADER}\n{row}\n").applied
    supplier = row.replace("B-1", "S-1").replace("Town Council", "Tyres")
    report = import_bytes("suppliers", f"{ORGANISATION_HEADER}\n{supplier}\n")
    assert [bad.reason for bad in report.bad_rows] == ["size is empty."]


def test_a_ref_of_another_kind_of_organisation_is_refused(examples_imported, import_bytes):
    row = "OXS-0001,Someone Else,OX4 1RF,,,no,no,,"
    report = import_bytes("buyers", f"{ORGANISATION_HEADER}\n{row}\n")
    assert report.bad_rows[0].reason == "ref OXS-0001 is already a supplier, not a buyer."


def test_a_listing_of_an_unknown_organisation_is_refused(examples_imported, import_bytes):
    header = "ref,beneficiary_ref,title,description,postcode,measures,deadline"
    text = f"{header}\nN-9,OXS-0001,Help,,OX4 1JE,OIEP-S1:3,\n"
    report = import_bytes("needs", text)
    assert "no beneficiary has the ref OXS-0001" in report.bad_rows[0].reason


def test_postcodes_are_placed_as_the_places_service_places_them(app):
    postcodes = [
        *("OX4 6JZ", "ox44hh", "OX10 7NL", "OX16 9AW", "OX1 1ND", "OX4 4XN", "SW1A 1AA"),
        *("OX10 7AA", "OX4 6AE", "OX4 1AA"),
    ]
    with app.app_context():
        places = {
            "Blackbird Leys": (["OX4 6"], ["Blackbird Leys"]),
            "The Leys": (["OX4 6", "OX4"], ["Blackbird Leys", "Northfield Brook"]),
            "Close": (["OX4 6JZ"], []),
            "Berinsfield": ([], ["Berinsfield"]),
            "Iffley": ([], ["Rose Hill and Iffley"]),
        }
        for name, (prefixes, wards) in places.items():
            save_priority_place(
                None,
                name=name,
                local_authority="Oxford",
                prefixes=[(prefix, "") for prefix in prefixes],
                wards=[ward_named(ward) for ward in wards],
                reason="",
                source="",
            )
        lookups = Lookups()
        placed = [lookups.place(postcode) for postcode in postcodes]
        assert placed == [resolve(postcode) for postcode in postcodes]
        assert [place.priority_place for place in placed[:2]] == ["Close", "Iffley"]
        assert [place.priority_places for place in placed[-3:]] == [
            ("Berinsfield",),
            ("Blackbird Leys", "The Leys"),
            ("The Leys",),
        ]
        with pytest.raises(CellError, match="postcode: We could not find OX99 9ZZ."):
            lookups.place("OX99 9ZZ")
        db.session.rollback()


def test_an_unpublished_listing_is_published_again_by_its_row(
    examples_imported, import_bytes, in_app
):
    def unpublish():
        _by_ref(Offer, "OXO-0001").status = "draft"
        db.session.commit()

    in_app(unpublish)
    report = import_bytes("offers", example("offers"))
    assert (report.updated, report.unchanged) == (1, 2)
    assert in_app(lambda: _by_ref(Offer, "OXO-0001").status) == "published"
