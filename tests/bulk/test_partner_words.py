"""A partner's supplier, buyer and beneficiary lists, written as people write them, import
as they are: free-text sectors become trades or organisation types, and words nothing
names are kept for staff with a warning, never refused (issue 18)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.bulk import export
from brokerage.bulk.formats import KINDS
from brokerage.extensions import db
from brokerage.listings import trade_service
from brokerage.listings.models import OrganisationTrade, Profile
from tests.helpers.bulk import ORGANISATION_HEADER

# Sectors as a partner's supplier list wrote them; the old import refused every one.
SUPPLIER_SECTORS = {
    "IT services": (["72000000"], []),
    "Facilities management": (["79993000"], []),
    "Landscaping": (["77310000"], []),
    "Transport": (["60000000"], []),
    "Training": (["80500000"], []),
    "Energy": (["09300000"], []),
    "Community services": (["98000000"], []),
    "Manufacturing": ([], ["Manufacturing"]),
}


def _file(rows: Iterable[str], header: str = ORGANISATION_HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def _suppliers_with(sectors: Iterable[str]) -> str:
    return _file(
        f"P-{n},Partner Supplier {n},OX4 2JY,{sector},small,no,no,,"
        for n, sector in enumerate(sectors, 1)
    )


def _trades(name: str) -> tuple[list[str], list[str]]:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    rows = db.session.scalars(
        select(OrganisationTrade)
        .where(OrganisationTrade.organisation_id == organisation.id)
        .order_by(OrganisationTrade.id)
    ).all()
    return [r.cpv_code for r in rows if r.cpv_code], [r.written for r in rows if not r.cpv_code]


def test_free_text_sectors_import_as_trades_with_a_warning_for_what_names_none(
    import_bytes, in_app
):
    report = import_bytes("suppliers", _suppliers_with(SUPPLIER_SECTORS))

    assert report.applied and report.created == len(SUPPLIER_SECTORS)
    for n, expected in enumerate(SUPPLIER_SECTORS.values(), 1):
        assert in_app(lambda n=n: _trades(f"Partner Supplier {n}")) == expected
    (warning,) = report.warnings
    assert (warning.line, warning.ref) == (9, "P-8")
    assert warning.message.startswith(
        "sector “Manufacturing” is not a trade we know: kept as written for staff to classify."
    )
    assert report.summary.endswith("1 warning: words kept as written for staff to classify.")


def test_the_apps_own_sector_labels_are_read_as_sectors(import_bytes, in_app):
    report = import_bytes("suppliers", _suppliers_with(["Professional services", "CATERING"]))

    assert report.applied and not report.warnings
    sectors = in_app(lambda: db.session.scalars(select(Profile.sector).order_by(Profile.id)).all())
    assert sectors == ["professional", "catering"]


@pytest.mark.parametrize(
    ("kind", "sector", "organisation_type", "written"),
    [
        ("buyers", "Public sector", "public_body", ""),
        ("buyers", "County Council", "council", ""),
        ("buyers", "Health", None, "Health"),
        ("buyers", "Logistics", None, "Logistics"),
        ("beneficiaries", "School", "school", ""),
        ("beneficiaries", "Charity", "charity", ""),
        ("beneficiaries", "Food bank", None, "Food bank"),
        ("beneficiaries", "Early years", None, "Early years"),
        ("beneficiaries", "Youth", None, "Youth"),
    ],
)
def test_a_buyers_or_beneficiarys_sector_words_give_its_type_or_are_kept(
    import_bytes, in_app, kind, sector, organisation_type, written
):
    report = import_bytes(kind, _file([f"X-1,Partner Org,OX4 2JY,{sector},,no,no,,"]))

    assert report.applied
    assert len(report.warnings) == (1 if written else 0)
    found = in_app(lambda: db.session.scalar(select(Organisation)))
    assert (found.organisation_type, found.organisation_type_written) == (
        organisation_type,
        written,
    )


def test_a_trades_column_gives_codes_and_words_and_a_code_that_does_not_exist_is_an_error(
    import_bytes, in_app
):
    header = f"{ORGANISATION_HEADER},trades"
    good = "S-1,Joiners,OX4 2JY,,small,no,no,,,45000000-7; joinery; Bespoke staircases"
    report = import_bytes("suppliers", _file([good], header))

    assert report.applied and len(report.warnings) == 1
    assert in_app(lambda: _trades("Joiners")) == (["45000000", "45420000"], ["Bespoke staircases"])
    bad = "S-2,Roofers,OX4 2JY,,small,no,no,,,45999999"
    refused = import_bytes("suppliers", _file([bad], header))
    assert not refused.applied
    assert refused.bad_rows[0].reason == (
        "trades: 45999999 is not a code in the Common Procurement Vocabulary."
    )


def test_only_suppliers_have_trades(import_bytes):
    report = import_bytes(
        "buyers",
        _file(["B-1,A Council,OX1 1ND,,,no,no,,,Building work"], f"{ORGANISATION_HEADER},trades"),
    )

    assert not report.applied
    assert "not expected: trades" in report.file_problem


def test_a_file_without_a_trades_column_adds_to_the_trades_set_on_the_web(import_bytes, in_app):
    import_bytes("suppliers", _suppliers_with(["Landscaping"]))

    def set_on_the_web():
        organisation = db.session.scalar(select(Organisation))
        trade_service.set_organisation_trades(organisation, ["45421000"])
        db.session.commit()

    in_app(set_on_the_web)
    again = import_bytes("suppliers", _suppliers_with(["Landscaping"]))

    assert again.updated == 1
    assert sorted(in_app(lambda: _trades("Partner Supplier 1"))[0]) == ["45421000", "77310000"]
    assert import_bytes("suppliers", _suppliers_with(["Landscaping"])).unchanged == 1


@pytest.mark.parametrize("kind", ["suppliers", "buyers", "beneficiaries"])
def test_an_export_imports_again_unchanged_words_kept_for_staff_included(
    app, import_bytes, in_app, kind
):
    sectors = {
        "suppliers": list(SUPPLIER_SECTORS),
        "buyers": ["Public sector", "Health", "Logistics", ""],
        "beneficiaries": ["School", "Food bank", "Youth", "education"],
    }[kind]
    size = "small" if kind == "suppliers" else ""
    original = _file(
        f"P-{n},Partner {kind} {n},OX4 2JY,{sector},{size},no,no,,"
        for n, sector in enumerate(sectors, 1)
    )
    assert import_bytes(kind, original).applied

    with app.app_context():
        exported = "".join(export.csv_lines(KINDS[kind]))
    again = import_bytes(kind, exported.encode("utf-8"))
    first_file_again = import_bytes(kind, original)

    assert (again.created, again.updated, again.unchanged) == (0, 0, len(sectors))
    assert (first_file_again.updated, first_file_again.unchanged) == (0, len(sectors))
    header = next(csv.reader(io.StringIO(exported.lstrip("\ufeff"))))
    assert ("trades" if kind == "suppliers" else "type") in header


OPPORTUNITY_HEADER = "ref,buyer_ref,title,description,postcode,category,value_gbp,deadline,measures"


@pytest.mark.parametrize(
    ("category", "stored", "trade", "warned"),
    [
        ("Landscaping", "other", ("77310000", ""), False),
        ("IT", "other", ("72000000", ""), False),
        ("Transport", "other", ("60000000", ""), False),
        ("Facilities", "other", ("79993000", ""), False),
        ("Training", "other", ("80500000", ""), False),
        ("cleaning", "cleaning", None, False),
        ("Widgets", "other", (None, "Widgets"), True),
    ],
)
def test_an_opportunitys_category_words_give_its_trade(
    import_bytes, in_app, category, stored, trade, warned
):
    from brokerage.listings.models import Opportunity, OpportunityTrade

    import_bytes("buyers", _file(["B-1,A Council,OX1 1ND,Council,,no,no,,"]))
    row = f"P-1,B-1,Parks,,OX1 1ND,{category},,2099-01-31,OIEP-J1:3"

    report = import_bytes("opportunities", _file([row], OPPORTUNITY_HEADER))

    assert report.applied and bool(report.warnings) == warned
    assert in_app(lambda: db.session.scalar(select(Opportunity.category))) == stored
    trades = in_app(
        lambda: [(t.cpv_code, t.written) for t in db.session.scalars(select(OpportunityTrade))]
    )
    assert trades == ([trade] if trade else [])
    assert import_bytes("opportunities", _file([row], OPPORTUNITY_HEADER)).unchanged == 1


def test_an_opportunity_export_with_its_trades_imports_again_unchanged(app, import_bytes):
    import_bytes("buyers", _file(["B-1,A Council,OX1 1ND,Council,,no,no,,"]))
    rows = [
        "P-1,B-1,Parks,,OX1 1ND,Landscaping,,2099-01-31,OIEP-J1:3",
        "P-2,B-1,Old parks,,OX1 1ND,Landscaping,,2020-01-31,OIEP-J1:3",
    ]
    assert import_bytes("opportunities", _file(rows, OPPORTUNITY_HEADER)).applied

    with app.app_context():
        exported = "".join(export.csv_lines(KINDS["opportunities"]))
    again = import_bytes("opportunities", exported.encode("utf-8"))

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert next(csv.reader([exported.splitlines()[1]]))[-1] == "77310000"
