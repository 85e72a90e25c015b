"""Who may open which listing and profile page, by role, for every kind of listing.

Roles towards a listing: anon, a member of the owning organisation, a member of another
organisation of the same kind, a member of an organisation of another kind, and staff.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from brokerage.listings.models import Profile
from tests.helpers.listings import (
    KIND_NAMES,
    ORGANISATION_KINDS,
    ROLES,
    form_data,
    kind_named,
    load,
)
from tests.helpers.pages import count, page_text
from tests.helpers.web import csrf_token

LOGIN, SAVED = "login", "saved"


def outcome(response):
    """What the visitor got: sent to log in, sent on (a save or change done), or a status."""
    if response.status_code == 302:
        return LOGIN if urlsplit(response.headers["Location"]).path == "/login" else SAVED
    return response.status_code


def send(client, method, path, data=None):
    if method == "GET":
        return client.get(path)
    # The CSRF token of a page anyone may open, so anonymous posts test the login rule.
    return client.post(path, data={"csrf_token": csrf_token(client), **(data or {})})


# (method, path, form data, status of the listing) -> outcome per role, in ROLES order:
# anon, member, same_kind, wrong_kind, staff.
LISTING_PAGES = {
    "show draft": (("GET", "/{plural}/{id}", None, "draft"), (404, 200, 404, 404, 200)),
    "show published": (
        ("GET", "/{plural}/{id}", None, "published"),
        (200, 200, 200, 200, 200),
    ),
    "show archived": (("GET", "/{plural}/{id}", None, "archived"), (404, 200, 404, 404, 200)),
    "edit form of a draft": (
        ("GET", "/{plural}/{id}/edit", None, "draft"),
        (LOGIN, 200, 404, 404, 200),
    ),
    "edit form of a published listing": (
        ("GET", "/{plural}/{id}/edit", None, "published"),
        (LOGIN, 200, 403, 403, 200),
    ),
    "edit a draft": (
        ("POST", "/{plural}/{id}/edit", "form", "draft"),
        (LOGIN, SAVED, 404, 404, SAVED),
    ),
    "edit a published listing": (
        ("POST", "/{plural}/{id}/edit", "form", "published"),
        (LOGIN, SAVED, 403, 403, SAVED),
    ),
    "publish a draft": (
        ("POST", "/{plural}/{id}/publish", None, "draft"),
        (LOGIN, SAVED, 404, 404, SAVED),
    ),
    "archive a published listing": (
        ("POST", "/{plural}/{id}/archive", None, "published"),
        (LOGIN, SAVED, 403, 403, SAVED),
    ),
    "unpublish a published listing": (
        ("POST", "/{plural}/{id}/unpublish", None, "published"),
        (LOGIN, 403, 403, 403, SAVED),
    ),
}
# What the database holds afterwards when the change was done, per page.
CHANGED = {
    "edit a draft": ("title", "Staff volunteering days"),
    "edit a published listing": ("title", "Staff volunteering days"),
    "publish a draft": ("status", "published"),
    "archive a published listing": ("status", "archived"),
    "unpublish a published listing": ("status", "draft"),
}


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("page", list(LISTING_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_listing_pages_by_role(listings_client, make_listing, in_app, kind, page, role):
    (method, path, data, status), expected = LISTING_PAGES[page]
    listing_id = make_listing(kind, status=status)
    client = listings_client(kind, role)
    form = form_data(kind, title="Staff volunteering days") if data == "form" else None

    response = send(
        client, method, path.format(plural=kind_named(kind).plural, id=listing_id), form
    )

    want = expected[ROLES.index(role)]
    assert outcome(response) == want
    if page in CHANGED:
        column, value = CHANGED[page]
        held = in_app(lambda: getattr(load(kind, listing_id), column))
        assert (held == value) == (want == SAVED)


# Pages of an organisation: its list of listings and the form for a new one.
ORGANISATION_PAGES = {
    "list": (("GET", "/organisations/{org}/{plural}", None), (200, 200, 200, 200, 200)),
    "new form": (("GET", "/organisations/{org}/{plural}/new", None), (LOGIN, 200, 403, 403, 200)),
    "create": (
        ("POST", "/organisations/{org}/{plural}/new", "form"),
        (LOGIN, SAVED, 403, 403, SAVED),
    ),
}


@pytest.mark.parametrize("kind", KIND_NAMES)
@pytest.mark.parametrize("page", list(ORGANISATION_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_organisation_listing_pages_by_role(
    listings_client, listings_world, in_app, kind, page, role
):
    (method, path, data), expected = ORGANISATION_PAGES[page]
    model = kind_named(kind).model
    organisation_id = listings_world.organisations[ORGANISATION_KINDS[kind]]
    path = path.format(org=organisation_id, plural=kind_named(kind).plural)

    response = send(listings_client(kind, role), method, path, form_data(kind) if data else None)

    want = expected[ROLES.index(role)]
    assert outcome(response) == want
    if page == "create":
        assert in_app(lambda: count(model)) == (1 if want == SAVED else 0)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_member_cannot_list_what_their_kind_of_organisation_does_not(
    listings_client, listings_world, in_app, kind
):
    """A member of a buyer may not create an offer, and so on."""
    client = listings_client(kind, "wrong_kind")
    own_organisation = listings_world.organisations[
        {"offer": "buyer", "opportunity": "beneficiary", "need": "supplier"}[kind]
    ]
    path = f"/organisations/{own_organisation}/{kind_named(kind).plural}/new"

    assert client.get(path).status_code == 403
    assert send(client, "POST", path, form_data(kind)).status_code == 403
    assert in_app(lambda: count(kind_named(kind).model)) == 0


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_an_organisation_of_another_kind_has_no_list_of_that_kind(
    listings_client, listings_world, kind
):
    own = listings_world.organisations[
        {"offer": "buyer", "opportunity": "beneficiary", "need": "supplier"}[kind]
    ]

    response = listings_client(kind, "wrong_kind").get(
        f"/organisations/{own}/{kind_named(kind).plural}"
    )

    assert response.status_code == 404


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_others_see_only_published_listings_in_an_organisations_list(
    listings_client, listings_world, make_listing, kind
):
    make_listing(kind, status="published", title="Out in the open")
    make_listing(kind, status="draft", title="Still a secret")
    make_listing(kind, status="archived", title="Withdrawn")
    organisation_id = listings_world.organisations[ORGANISATION_KINDS[kind]]
    path = f"/organisations/{organisation_id}/{kind_named(kind).plural}"

    member = page_text(listings_client(kind, "member").get(path))
    other = page_text(listings_client(kind, "same_kind").get(path))

    assert all(title in member for title in ("Out in the open", "Still a secret", "Withdrawn"))
    assert "Out in the open" in other
    assert "Still a secret" not in other and "Withdrawn" not in other


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_a_listing_that_does_not_exist_is_not_found(listings_client, kind):
    assert (
        listings_client(kind, "staff").get(f"/{kind_named(kind).plural}/999999").status_code == 404
    )


def test_the_listing_id_of_one_kind_does_not_open_another_kind(listings_client, make_listing):
    offer_id = make_listing("offer", status="published")

    assert listings_client("need", "member").get(f"/needs/{offer_id}").status_code == 404


def test_a_status_change_without_the_csrf_token_is_refused(listings_client, make_listing, in_app):
    listing_id = make_listing("offer")

    response = listings_client("offer", "member").post(f"/offers/{listing_id}/publish")

    assert response.status_code == 400
    assert in_app(lambda: load("offer", listing_id).status) == "draft"


# Profiles: seen by everyone signed in, edited by members and staff, verified by staff.
PROFILE_PAGES = {
    "show": (("GET", "/organisations/{org}/profile", None), (200, 200, 200, 200, 200)),
    "edit form": (("GET", "/organisations/{org}/profile/edit", None), (LOGIN, 200, 403, 403, 200)),
    "edit": (
        ("POST", "/organisations/{org}/profile/edit", {"sector": "catering", "size": "micro"}),
        (LOGIN, SAVED, 403, 403, SAVED),
    ),
    "verify": (
        ("POST", "/organisations/{org}/profile/verify", None),
        (LOGIN, 403, 403, 403, SAVED),
    ),
    "unverify": (
        ("POST", "/organisations/{org}/profile/unverify", None),
        (LOGIN, 403, 403, 403, SAVED),
    ),
}


@pytest.mark.parametrize("page", list(PROFILE_PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_profile_pages_by_role(listings_client, listings_world, in_app, page, role):
    (method, path, data), expected = PROFILE_PAGES[page]
    path = path.format(org=listings_world.organisations["supplier"])

    response = send(listings_client("offer", role), method, path, data)

    want = expected[ROLES.index(role)]
    assert outcome(response) == want
    profiles = in_app(lambda: count(Profile))
    assert profiles == (1 if want == SAVED else 0)


def test_an_organisation_that_does_not_exist_has_no_profile(listings_client):
    assert listings_client("offer", "staff").get("/organisations/999999/profile").status_code == 404


def test_the_listing_pages_are_linked_from_the_organisation_and_the_menu(
    listings_client, listings_world
):
    client = listings_client("offer", "member")
    supplier = listings_world.organisations["supplier"]

    organisation_page = client.get(f"/organisations/{supplier}").get_data(as_text=True)
    menu = client.get("/listings/").get_data(as_text=True)

    assert f'href="/organisations/{supplier}/profile"' in organisation_page
    assert f'href="/organisations/{supplier}/offers"' in organisation_page
    assert 'href="/listings/"' in menu
