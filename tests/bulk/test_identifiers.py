"""Company and charity numbers in partner files: optional columns for every kind of
organisation, read as the site reads them, each bad or duplicate number a line error
naming the other organisation (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from tests.factories import OrganisationFactory
from tests.helpers.bulk import ORGANISATION_HEADER, ORGANISATION_KINDS

HEADER = f"{ORGANISATION_HEADER},company_number,charity_number"
SIZE = {"suppliers": "small", "buyers": "", "beneficiaries": ""}


def _file(kind: str, *rows: tuple[str, str, str, str], header: str = HEADER) -> str:
    """Rows of (ref, name, company number, charity number)."""
    lines = [
        f"{ref},{name},OX4 2JY,,{SIZE[kind]},no,no,,,{company},{charity}"
        for ref, name, company, charity in rows
    ]
    if header != HEADER:
        lines = [line.rsplit(",", 2)[0] for line in lines]
    return "\n".join((header, *lines)) + "\n"


def _numbers(name: str) -> tuple[str | None, str | None]:
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == name))
    return organisation.company_number, organisation.charity_number


@pytest.mark.parametrize("kind", ORGANISATION_KINDS)
def test_numbers_import_as_the_register_writes_them_and_again_unchanged(import_bytes, in_app, kind):
    data = _file(
        kind,
        ("P-1", "Oxford Printers Ltd", "sc 12345", " 1123456 "),
        ("P-2", "Cowley Larder", "", "1 098 765"),
        ("P-3", "Blackbird Leys Youth", "", ""),
    )

    report = import_bytes(kind, data)

    assert report.applied and report.created == 3
    assert in_app(lambda: _numbers("Oxford Printers Ltd")) == ("SC012345", "1123456")
    assert in_app(lambda: _numbers("Cowley Larder")) == (None, "1098765")
    assert in_app(lambda: _numbers("Blackbird Leys Youth")) == (None, None)
    again = import_bytes(kind, data)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


@pytest.mark.parametrize(
    ("company", "charity", "reason"),
    [
        (
            "XX123456",
            "",
            "company_number: Company number XX123456 starts with XX, which is not a "
            "Companies House prefix (such as SC, NI or OC).",
        ),
        (
            "123",
            "",
            "company_number: Company number 123 is not a Companies House number: those are "
            "8 digits (like 01234567) or two letters and 6 digits (like SC123456).",
        ),
        (
            "",
            "12345",
            "charity_number: Charity number 12345 is not a Charity Commission number: those "
            "are 6 to 8 digits (like 1123456).",
        ),
    ],
)
def test_a_number_in_the_wrong_form_is_a_line_error_and_nothing_imports(
    import_bytes, in_app, company, charity, reason
):
    data = _file(
        "suppliers",
        ("P-1", "Oxford Printers Ltd", "01234567", ""),
        ("P-2", "Cowley Larder", company, charity),
    )

    report = import_bytes("suppliers", data)

    assert not report.applied
    assert [(bad.line, bad.ref, bad.reason) for bad in report.bad_rows] == [(3, "P-2", reason)]
    assert in_app(lambda: db.session.scalar(select(Organisation.id))) is None


def test_a_number_on_two_rows_is_a_line_error_naming_the_first(import_bytes):
    data = _file(
        "suppliers",
        ("P-1", "Oxford Printers Ltd", "01234567", "1123456"),
        ("P-2", "Oxford Print Works", "1234567", ""),
        ("P-3", "Cowley Larder", "", "1123456"),
    )

    report = import_bytes("suppliers", data)

    assert not report.applied
    assert [(bad.line, bad.reason) for bad in report.bad_rows] == [
        (
            3,
            "company_number: Company number 01234567 is already Oxford Printers Ltd’s, "
            "on an earlier row (ref P-1).",
        ),
        (
            4,
            "charity_number: Charity number 1123456 is already Oxford Printers Ltd’s, "
            "on an earlier row (ref P-1).",
        ),
    ]


@pytest.mark.parametrize("kind", ORGANISATION_KINDS)
def test_a_number_another_organisation_has_is_a_line_error_naming_it(import_bytes, create, kind):
    create(
        OrganisationFactory,
        name="Oxford Printers Ltd",
        company_number="01234567",
        charity_number="1123456",
    )

    report = import_bytes(
        kind,
        _file(
            kind,
            ("P-1", "Oxford Print Works", "1234567", ""),
            ("P-2", "Cowley Larder", "", "1123456"),
        ),
    )

    assert not report.applied
    assert [bad.reason for bad in report.bad_rows] == [
        "company_number: Company number 01234567 is already Oxford Printers Ltd’s.",
        "charity_number: Charity number 1123456 is already Oxford Printers Ltd’s.",
    ]


def test_an_organisation_registered_on_the_site_keeps_its_number_when_a_file_adopts_it(
    import_bytes, create, in_app
):
    create(OrganisationFactory, name="Oxford Printers Ltd", company_number="01234567")

    report = import_bytes(
        "suppliers", _file("suppliers", ("P-1", "Oxford Printers Ltd", "01234567", "1123456"))
    )

    assert report.applied and report.bad_rows == []
    assert in_app(lambda: _numbers("Oxford Printers Ltd")) == ("01234567", "1123456")


def test_a_file_without_the_columns_keeps_the_numbers_and_a_blank_cell_clears_one(
    import_bytes, in_app
):
    import_bytes("suppliers", _file("suppliers", ("P-1", "Oxford Printers Ltd", "01234567", "")))

    without = import_bytes(
        "suppliers",
        _file("suppliers", ("P-1", "Oxford Printers Ltd", "", ""), header=ORGANISATION_HEADER),
    )
    assert (without.updated, without.unchanged) == (0, 1)
    assert in_app(lambda: _numbers("Oxford Printers Ltd")) == ("01234567", None)

    cleared = import_bytes("suppliers", _file("suppliers", ("P-1", "Oxford Printers Ltd", "", "")))
    assert cleared.updated == 1
    assert in_app(lambda: _numbers("Oxford Printers Ltd")) == (None, None)


def test_two_rows_naming_one_organisation_registered_on_the_site_are_refused(import_bytes, create):
    create(OrganisationFactory, name="Oxford Printers Ltd")

    report = import_bytes(
        "suppliers",
        _file(
            "suppliers",
            ("P-1", "Oxford Printers Ltd", "", ""),
            ("P-2", "Oxford Printers Ltd", "", ""),
        ),
    )

    assert [(bad.line, bad.reason) for bad in report.bad_rows] == [
        (3, "name: an organisation called Oxford Printers Ltd is already registered.")
    ]
