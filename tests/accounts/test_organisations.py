"""Setting up, showing and editing organisations."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Membership, Organisation
from brokerage.extensions import db
from tests.factories import OrganisationFactory
from tests.helpers.pages import count, field_error, flashed, page_text
from tests.helpers.web import post_form

NEW = {
    "name": "Cowley Community Larder",
    "kind": "beneficiary",
    "postcode": "ox44hh",
    "description": "Food and company for anyone in east Oxford.",
}
NAME_TAKEN = "An organisation with this name is already registered."


def organisation_named(name):
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def organisation_fields(organisation_id):
    organisation = db.session.get(Organisation, organisation_id)
    return organisation.name, organisation.kind, organisation.postcode, organisation.description


# Creating


def test_creating_an_organisation_makes_the_creator_its_owner(client_for, in_app):
    client = client_for()

    response = post_form(client, "/organisations/new", NEW)

    organisation_id = in_app(lambda: organisation_named(NEW["name"]).id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{organisation_id}"
    page = client.get(response.headers["Location"])
    assert "Cowley Community Larder is set up. You are its owner." in flashed(page)
    assert "OX4 4HH" in page_text(page)
    memberships = in_app(
        lambda: [
            (m.user.email, m.role)
            for m in db.session.scalars(
                select(Membership).where(Membership.organisation_id == organisation_id)
            )
        ]
    )
    assert memberships == [(client.user_email, "owner")]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ox44hh", "OX4 4HH"), (" OX4 4HH ", "OX4 4HH"), ("sw1a1aa", "SW1A 1AA"), ("m11ae", "M1 1AE")],
)
def test_a_postcode_is_stored_in_its_standard_form(client_for, in_app, typed, stored):
    post_form(client_for(), "/organisations/new", {**NEW, "postcode": typed})

    assert in_app(lambda: organisation_named(NEW["name"]).postcode) == stored


def test_the_kind_and_description_are_stored_as_given(client_for, in_app):
    post_form(client_for(), "/organisations/new", NEW)

    assert in_app(lambda: organisation_fields(organisation_named(NEW["name"]).id)) == (
        NEW["name"],
        "beneficiary",
        "OX4 4HH",
        NEW["description"],
    )


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("postcode", {"postcode": "OX4"}, "is not a UK postcode"),
        ("postcode", {"postcode": "12345"}, "is not a UK postcode"),
        ("postcode", {"postcode": "ZZZZ ZZZ"}, "is not a UK postcode"),
        ("postcode", {"postcode": "OX4 4HH; DROP TABLE organisations"}, "is not a UK postcode"),
        ("postcode", {"postcode": ""}, "This field is required."),
        ("name", {"name": ""}, "This field is required."),
        ("name", {"name": "N" * 161}, "cannot be longer than 160 characters"),
        ("name", {"name": "<b>Larder</b>"}, "Names cannot contain < or >."),
        ("name", {"name": "Larder\x00"}, "Remove the invisible control characters"),
        ("name", {"name": "Larder\r\nBcc: victim@example.org"}, "Names must fit on one line."),
        ("kind", {"kind": ""}, "Choose what kind of organisation this is."),
        ("kind", {"kind": "government"}, "Not a valid choice"),
        ("description", {"description": "Soup\x00"}, "Remove the invisible control characters"),
        ("description", {"description": "x" * 4001}, "cannot be longer than 4000 characters"),
    ],
    ids=lambda value: repr(value)[:40] if isinstance(value, dict) else None,
)
def test_a_bad_organisation_is_refused_with_a_message_on_the_field_and_not_saved(
    client_for, in_app, field, changes, message
):
    response = post_form(client_for(), "/organisations/new", {**NEW, **changes})

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert in_app(lambda: count(Organisation)) == 0


@pytest.mark.parametrize(
    "name", ["Cowley Community Larder", "COWLEY COMMUNITY LARDER", "  cowley community larder  "]
)
def test_a_name_already_taken_in_any_case_is_refused(client_for, create, in_app, name):
    create(OrganisationFactory, name="Cowley Community Larder")

    response = post_form(client_for(), "/organisations/new", {**NEW, "name": name})

    assert response.status_code == 200
    assert field_error(response, "name") == NAME_TAKEN
    assert in_app(lambda: count(Organisation)) == 1


def test_descriptions_keep_line_breaks_and_show_markup_as_text(client_for, in_app):
    client = client_for()
    description = "We cook on Tuesdays.\r\nEveryone is <em>welcome</em>."

    response = post_form(client, "/organisations/new", {**NEW, "description": description})

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<em>welcome</em>" not in page
    assert "&lt;em&gt;welcome&lt;/em&gt;" in page
    assert in_app(lambda: organisation_named(NEW["name"]).description) == description


# Editing


def edit(client, organisation_id, **changes):
    data = {"name": "Cowley Bakery", "postcode": "OX4 1AA", "description": "Bread.", **changes}
    return post_form(client, f"/organisations/{organisation_id}/edit", data)


def test_an_owner_can_edit_their_organisation(supplier, in_app):
    response = edit(
        supplier, supplier.organisation_id, name="Cowley Bakery Co-op", postcode="ox11aa"
    )

    assert response.status_code == 302
    assert response.headers["Location"] == f"/organisations/{supplier.organisation_id}"
    assert "Saved." in flashed(supplier.get(response.headers["Location"]))
    assert in_app(lambda: organisation_fields(supplier.organisation_id)) == (
        "Cowley Bakery Co-op",
        "supplier",
        "OX1 1AA",
        "Bread.",
    )


def test_the_kind_of_an_organisation_cannot_be_changed_once_it_exists(supplier, in_app):
    page = supplier.get(f"/organisations/{supplier.organisation_id}/edit")
    assert 'name="kind"' not in page.get_data(as_text=True)

    edit(supplier, supplier.organisation_id, kind="buyer")

    assert in_app(lambda: organisation_fields(supplier.organisation_id))[1] == "supplier"


def test_an_owner_cannot_rename_their_organisation_to_another_ones_name(supplier, create, in_app):
    create(OrganisationFactory, name="Headington Builders")
    before = in_app(lambda: organisation_fields(supplier.organisation_id))

    response = edit(supplier, supplier.organisation_id, name="headington BUILDERS")

    assert response.status_code == 200
    assert field_error(response, "name") == NAME_TAKEN
    assert in_app(lambda: organisation_fields(supplier.organisation_id)) == before


def test_an_owner_can_change_only_the_case_of_their_organisations_name(supplier, create, in_app):
    create(OrganisationFactory, name="Headington Builders")
    edit(supplier, supplier.organisation_id, name="Cowley Bakery")

    response = edit(supplier, supplier.organisation_id, name="COWLEY BAKERY")

    assert response.status_code == 302
    assert in_app(lambda: organisation_fields(supplier.organisation_id))[0] == "COWLEY BAKERY"


@pytest.mark.parametrize(
    ("field", "changes", "message"),
    [
        ("postcode", {"postcode": "OX4"}, "is not a UK postcode"),
        ("name", {"name": ""}, "This field is required."),
        ("name", {"name": "Bakery\nBcc: victim@example.org"}, "Names must fit on one line."),
    ],
)
def test_a_bad_edit_is_refused_on_the_field_and_changes_nothing(
    supplier, in_app, field, changes, message
):
    before = in_app(lambda: organisation_fields(supplier.organisation_id))

    response = edit(supplier, supplier.organisation_id, **changes)

    assert response.status_code == 200
    assert message in field_error(response, field)
    assert in_app(lambda: organisation_fields(supplier.organisation_id)) == before


def test_a_member_cannot_edit_their_organisation_unless_owner(
    accounts_client, accounts_world, in_app
):
    member = accounts_client("member")
    before = in_app(lambda: organisation_fields(accounts_world.organisation_id))

    assert member.get(f"/organisations/{accounts_world.organisation_id}").status_code == 200
    assert member.get(f"/organisations/{accounts_world.organisation_id}/edit").status_code == 403
    assert edit(member, accounts_world.organisation_id, name="Taken Over").status_code == 403
    assert in_app(lambda: organisation_fields(accounts_world.organisation_id)) == before


def test_a_member_sees_no_edit_or_invite_controls(accounts_client, accounts_world):
    page = accounts_client("member").get(f"/organisations/{accounts_world.organisation_id}")

    assert "Edit details" not in page_text(page)
    assert "Invite a colleague" not in page_text(page)


def test_a_person_from_another_organisation_cannot_tell_it_exists(
    accounts_client, accounts_world, in_app
):
    outsider = accounts_client("outsider")
    before = in_app(lambda: organisation_fields(accounts_world.organisation_id))

    assert outsider.get(f"/organisations/{accounts_world.organisation_id}").status_code == 404
    assert outsider.get(f"/organisations/{accounts_world.organisation_id}/edit").status_code == 404
    assert outsider.get("/organisations/999999").status_code == 404
    assert edit(outsider, accounts_world.organisation_id, name="Taken Over").status_code == 404
    assert in_app(lambda: organisation_fields(accounts_world.organisation_id)) == before
    assert "Cowley Bakery" not in page_text(outsider.get("/organisations/"))


def test_staff_can_view_and_edit_any_organisation(accounts_client, accounts_world, in_app):
    staff = accounts_client("staff")

    page = staff.get(f"/organisations/{accounts_world.organisation_id}")
    assert page.status_code == 200
    assert "member@bakery.example.org" in page_text(page)
    assert "Edit details" in page_text(page)
    assert edit(staff, accounts_world.organisation_id, name="Cowley Bakery Ltd").status_code == 302
    assert (
        in_app(lambda: organisation_fields(accounts_world.organisation_id))[0]
        == "Cowley Bakery Ltd"
    )


def test_the_organisations_page_lists_only_the_persons_own_organisations(
    accounts_client, accounts_world
):
    text = page_text(accounts_client("owner").get("/organisations/"))

    assert "Cowley Bakery" in text
    assert "Headington Builders" not in text


@pytest.mark.parametrize(("kind", "word"), [("supplier", "Supplier"), ("buyer", "Buyer")])
def test_an_organisations_kind_reads_in_sentence_case_in_its_badge_and_list(client_for, kind, word):
    client = client_for(kind)

    home = client.get("/").get_data(as_text=True)
    badges = re.findall(r'class="badge[^"]*kind-badge">([^<]*)<', home)
    listed = page_text(client.get("/organisations/"))

    assert badges == [word]
    assert f"{word} · " in listed and f"{kind} · " not in listed
