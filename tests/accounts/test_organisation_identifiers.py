"""Company and charity numbers: read as people write them, unique, shown on the profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.identifiers import InvalidIdentifier, charity_number, company_number
from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from tests.factories import OrganisationFactory
from tests.helpers.pages import field_error, page_text
from tests.helpers.web import post_form


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("01234567", "01234567"),
        ("sc123456", "SC123456"),
        (" NI 12 34 56 ", "NI123456"),
        ("OC301234", "OC301234"),
        ("SO300123", "SO300123"),
        ("NC000123", "NC000123"),
        ("R0012345", "R0012345"),
        ("ro012345", "R0012345"),
        ("445790", "00445790"),
        ("1234567", "01234567"),
        ("SC45551", "SC045551"),
    ],
)
def test_a_company_number_is_read_as_companies_house_writes_it(written, number):
    assert company_number(written) == number


@pytest.mark.parametrize(
    "written",
    [
        "",
        "12345",
        "123456789",
        "SC1234567",
        "SC1234",
        "XX123456",
        "ZZ123456",
        "SC12345A",
        "0123456７",
        "01234-567",
        "GB123456",
    ],
)
def test_a_number_that_is_no_company_number_is_refused(written):
    with pytest.raises(InvalidIdentifier, match="Company number"):
        company_number(written)


@pytest.mark.parametrize(
    ("written", "number"),
    [("123456", "123456"), ("1 123 456", "1123456"), ("12345678", "12345678")],
)
def test_a_charity_number_is_six_to_eight_digits(written, number):
    assert charity_number(written) == number


@pytest.mark.parametrize("written", ["", "12345", "123456789", "1123456-1", "SC012345"])
def test_a_number_that_is_no_charity_number_is_refused(written):
    with pytest.raises(InvalidIdentifier, match="Charity number"):
        charity_number(written)


def edit(client, organisation_id, **changes):
    data = {"name": "Cowley Bakery", "postcode": "OX4 1AA", "description": "Bread.", **changes}
    return post_form(client, f"/organisations/{organisation_id}/edit", data)


def numbers_of(organisation_id):
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.company_number, organisation.charity_number


def test_an_owner_gives_their_numbers_and_the_profile_shows_them(supplier, in_app):
    response = edit(
        supplier, supplier.organisation_id, company_number="sc 12345", charity_number="1123456"
    )

    assert response.status_code == 302
    assert in_app(lambda: numbers_of(supplier.organisation_id)) == ("SC012345", "1123456")
    profile = page_text(supplier.get(f"/organisations/{supplier.organisation_id}/profile"))
    assert "Company number SC012345" in profile
    assert "Charity number 1123456" in profile


def test_an_owner_can_take_their_numbers_off_again(supplier, in_app):
    edit(supplier, supplier.organisation_id, company_number="01234567", charity_number="1123456")

    edit(supplier, supplier.organisation_id, company_number=" ", charity_number="")

    assert in_app(lambda: numbers_of(supplier.organisation_id)) == (None, None)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("company_number", "XX123456", "starts with XX, which is not a Companies House prefix"),
        ("company_number", "123", "those are 8 digits (like 01234567)"),
        ("charity_number", "12345", "those are 6 to 8 digits"),
    ],
)
def test_a_number_in_the_wrong_form_is_refused_on_its_field(
    supplier, in_app, field, typed, message
):
    response = edit(supplier, supplier.organisation_id, **{field: typed})

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert in_app(lambda: numbers_of(supplier.organisation_id)) == (None, None)


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("company_number", "1234567", "Company number 01234567 is already Oxford Printers Ltd’s."),
        ("charity_number", "1123456", "Charity number 1123456 is already Oxford Printers Ltd’s."),
    ],
)
def test_a_number_another_organisation_has_is_refused_naming_it(
    supplier, create, in_app, field, typed, message
):
    create(
        OrganisationFactory,
        name="Oxford Printers Ltd",
        company_number="01234567",
        charity_number="1123456",
    )

    response = edit(supplier, supplier.organisation_id, **{field: typed})

    assert response.status_code == 200
    assert field_error(response, field) == message
    assert in_app(lambda: numbers_of(supplier.organisation_id)) == (None, None)


def test_a_new_organisation_with_a_taken_number_is_refused_naming_the_first(
    client_for, create, in_app
):
    create(OrganisationFactory, name="Oxford Printers Ltd", company_number="01234567")
    data = {
        "name": "Oxford Printers (Cowley)",
        "kind": "supplier",
        "postcode": "OX4 4HH",
        "company_number": "01234567",
    }

    response = post_form(client_for(), "/organisations/new", data)

    assert field_error(response, "company_number") == (
        "Company number 01234567 is already Oxford Printers Ltd’s."
    )
    assert (
        in_app(lambda: db.session.scalar(select(Organisation).filter_by(name=data["name"]))) is None
    )


def test_an_owner_keeps_their_own_numbers_when_saving_again(supplier, in_app):
    edit(supplier, supplier.organisation_id, company_number="01234567")

    response = edit(supplier, supplier.organisation_id, company_number="01234567")

    assert response.status_code == 302
