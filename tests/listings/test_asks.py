"""From a supplier's profile, a buyer invites it to bid and a beneficiary asks for help:
the supplier's members are told, naming the buyer's opportunity or the beneficiary's need."""

from __future__ import annotations

from sqlalchemy import select

from brokerage.extensions import db
from brokerage.mail import read_outbox
from brokerage.notifications.models import Notification
from tests.helpers.web import log_in, post_form


def _ask_url(listings_world) -> str:
    return f"/organisations/{listings_world.organisations['supplier']}/ask"


def _subjects(in_app) -> list[str]:
    return in_app(lambda: list(db.session.scalars(select(Notification.subject))))


def test_a_buyer_invites_a_supplier_to_bid_naming_its_opportunity(
    app, listings_world, make_listing, in_app
):
    opportunity = make_listing("opportunity", status="published", title="School meals")
    buyer = log_in(app.test_client(), listings_world.emails["buyer"])
    profile = buyer.get(f"/organisations/{listings_world.organisations['supplier']}/profile")
    assert f'href="{_ask_url(listings_world)}"' in profile.get_data(as_text=True)

    response = post_form(
        buyer,
        _ask_url(listings_world),
        {"listing": f"OPP-{opportunity}", "message": "Local sourcing counts."},
        page=_ask_url(listings_world),
    )

    assert response.status_code == 302
    assert _subjects(in_app) == ["Test buyer invites you to bid: School meals"]
    [mail] = in_app(lambda: read_outbox(listings_world.emails["supplier"]))
    assert f"/opportunities/{opportunity}" in mail.body


def test_a_beneficiary_asks_a_supplier_for_help_naming_its_need(
    app, listings_world, make_listing, in_app
):
    need = make_listing("need", status="published", title="Laptops for homework club")
    beneficiary = log_in(app.test_client(), listings_world.emails["beneficiary"])

    post_form(
        beneficiary,
        _ask_url(listings_world),
        {"listing": f"NEED-{need}"},
        page=_ask_url(listings_world),
    )

    assert _subjects(in_app) == ["Test beneficiary asks for your help: Laptops for homework club"]


def test_naming_a_listing_not_theirs_gets_a_field_error_and_tells_nobody(
    app, listings_world, make_listing, in_app
):
    make_listing("opportunity", status="published")
    other = make_listing("opportunity", status="published", organisation="buyer_2")
    buyer = log_in(app.test_client(), listings_world.emails["buyer"])

    response = post_form(
        buyer, _ask_url(listings_world), {"listing": f"OPP-{other}"}, page=_ask_url(listings_world)
    )

    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert _subjects(in_app) == []


def test_a_buyer_with_nothing_published_is_told_to_publish_first(app, listings_world, make_listing):
    make_listing("opportunity", status="draft")
    buyer = log_in(app.test_client(), listings_world.emails["buyer"])

    html = buyer.get(_ask_url(listings_world)).get_data(as_text=True)

    assert "Publish an opportunity or a need first" in html


def test_a_supplier_cannot_invite_another_supplier(app, listings_world):
    other = log_in(app.test_client(), listings_world.emails["supplier_2"])
    assert other.get(_ask_url(listings_world)).status_code == 403
