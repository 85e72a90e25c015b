"""A profile's contact shows to signed-in members of organisations, only where the
organisation chose to show it; an opportunity links to its tender notice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.models import Opportunity, Profile
from brokerage.listings.profiles import profile_of
from tests.factories import UserFactory
from tests.helpers.listings import form_data
from tests.helpers.web import log_in, post_form

CONTACT = {
    "contact_name": "Priya Shah",
    "contact_email": "priya@thamesprint.example.org",
    "contact_phone": "01865 123456",
    "show_contact": "y",
}


def _profile_page(listings_world) -> str:
    return f"/organisations/{listings_world.organisations['supplier']}/profile"


def _save_contact(app, listings_world, **changes) -> object:
    client = log_in(app.test_client(), listings_world.emails["supplier"])
    url = f"{_profile_page(listings_world)}/edit"
    return post_form(client, url, {**CONTACT, **changes}, page=url)


def _held(in_app, listings_world) -> Profile | None:
    def read():
        organisation = db.session.get(Organisation, listings_world.organisations["supplier"])
        return profile_of(organisation)

    return in_app(read)


def test_members_of_other_organisations_see_a_contact_the_organisation_chose_to_show(
    app, listings_world
):
    assert _save_contact(app, listings_world).status_code == 302
    reader = log_in(app.test_client(), listings_world.emails["buyer"])

    html = reader.get(_profile_page(listings_world)).get_data(as_text=True)

    assert "Priya Shah" in html and "priya@thamesprint.example.org" in html
    assert "01865 123456" in html


def test_visitors_and_people_with_no_organisation_never_see_the_contact(
    app, listings_world, anon, create
):
    _save_contact(app, listings_world)
    loner = create(UserFactory, email="loner@example.org")
    for client in (anon, log_in(app.test_client(), loner.email)):
        html = client.get(_profile_page(listings_world)).get_data(as_text=True)
        assert "Priya Shah" not in html and "priya@thamesprint" not in html
        assert "01865 123456" not in html


def test_a_contact_not_chosen_for_showing_stays_hidden(app, listings_world):
    _save_contact(app, listings_world, show_contact="")
    reader = log_in(app.test_client(), listings_world.emails["buyer"])

    assert "Priya Shah" not in reader.get(_profile_page(listings_world)).get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"contact_name": ""}, "Give the contact&#39;s name, or untick showing it."),
        ({"contact_email": "", "contact_phone": ""}, "Give an email address or a phone number."),
        ({"contact_email": "not an email"}, "Enter an email address like name@example.org."),
        ({"contact_phone": "call me maybe"}, "Enter a phone number like 01865 123456."),
        ({"contact_name": "<b>Priya</b>"}, "Names cannot contain &lt; or &gt;."),
    ],
)
def test_a_bad_contact_gets_a_field_error_and_nothing_is_saved(
    app, listings_world, in_app, changes, error
):
    response = _save_contact(app, listings_world, **changes)

    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    held = _held(in_app, listings_world)
    assert held is None or not held.show_contact


def _post_opportunity(app, listings_world, notice_url: str):
    client = log_in(app.test_client(), listings_world.emails["buyer"])
    url = f"/organisations/{listings_world.organisations['buyer']}/opportunities/new"
    return client, post_form(client, url, form_data("opportunity", notice_url=notice_url), page=url)


def test_an_opportunity_links_to_its_tender_notice(app, listings_world):
    notice = "https://www.find-tender.service.gov.uk/Notice/012345-2026"
    client, response = _post_opportunity(app, listings_world, notice)

    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'<a href="{notice}" rel="nofollow noopener noreferrer">Tender notice</a>' in html


@pytest.mark.parametrize("notice_url", ["javascript:alert(1)", "ftp://tenders.example.org/1"])
def test_a_notice_that_is_not_a_web_address_gets_a_field_error(
    app, listings_world, in_app, notice_url
):
    _, response = _post_opportunity(app, listings_world, notice_url)

    assert response.status_code == 400
    assert "Enter a web address like https://example.org." in response.get_data(as_text=True)
    assert in_app(lambda: db.session.scalar(select(func.count(Opportunity.id)))) == 0
