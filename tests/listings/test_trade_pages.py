"""Trades on the web: a supplier says what it can be hired to do, a buyer what a contract
buys; the form reads codes and words and says plainly what it cannot read."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import trade_service
from brokerage.listings.models import Opportunity, OpportunityTrade, OrganisationTrade
from tests.helpers.app import counted_statements
from tests.helpers.listings import form_data
from tests.helpers.pages import count, field_error, page_text
from tests.helpers.web import post_form

GROUNDS = "77310000"


def profile_path(listings_world, kind="supplier"):
    return f"/organisations/{listings_world.organisations[kind]}/profile/edit"


def trades_of(organisation_id):
    return [
        (row.cpv_code, row.written)
        for row in db.session.scalars(
            select(OrganisationTrade)
            .where(OrganisationTrade.organisation_id == organisation_id)
            .order_by(OrganisationTrade.id)
        )
    ]


def test_a_supplier_ticks_common_trades_and_types_others_as_codes_or_words(
    listings_client, listings_world, in_app
):
    client = listings_client("offer", "member")

    response = post_form(
        client,
        profile_path(listings_world),
        {"trades": [GROUNDS], "trades-other": "45421000; window cleaning\n45000000-7"},
    )

    assert response.status_code == 302
    supplier = listings_world.organisations["supplier"]
    assert in_app(lambda: trades_of(supplier)) == [
        (GROUNDS, ""),
        ("45421000", ""),
        ("90911300", ""),
        ("45000000", ""),
    ]
    text = page_text(client.get(response.headers["Location"]))
    assert "Grounds maintenance and landscaping (77310000)" in text
    assert "Window-cleaning services (90911300)" in text


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ("grounds maintenence", "Did you mean: Grounds maintenance and landscaping (77310000)"),
        ("45999999", "45999999 is not a code in the Common Procurement Vocabulary."),
        ("qqqq zzzz", "We do not know the trade “qqqq zzzz”: type a CPV code"),
    ],
)
def test_a_trade_the_form_cannot_read_is_named_and_nothing_is_saved(
    listings_client, listings_world, in_app, other, message
):
    response = post_form(
        listings_client("offer", "member"),
        profile_path(listings_world),
        {"trades": [GROUNDS], "trades-other": other, "size": "small"},
    )

    assert response.status_code == 400
    assert message in field_error(response, "trades")
    assert in_app(lambda: count(OrganisationTrade)) == 0
    assert 'name="trades-other"' in response.get_data(as_text=True)


def test_a_box_that_is_not_on_the_list_is_refused(listings_client, listings_world, in_app):
    response = post_form(
        listings_client("offer", "member"), profile_path(listings_world), {"trades": ["99999999"]}
    )

    assert response.status_code == 400
    assert "Choose trades from the list." in field_error(response, "trades")


def test_the_edit_form_shows_the_trades_saved_and_saving_it_again_keeps_them(
    listings_client, listings_world, in_app
):
    client = listings_client("offer", "member")
    post_form(
        client, profile_path(listings_world), {"trades": [GROUNDS], "trades-other": "45421000"}
    )

    html = client.get(profile_path(listings_world)).get_data(as_text=True)

    assert f'value="{GROUNDS}" id="trades-{GROUNDS}" checked' in html
    assert "45421000 Joinery work" in html
    post_form(
        client,
        profile_path(listings_world),
        {"trades": [GROUNDS], "trades-other": "45421000 Joinery work"},
    )
    supplier = listings_world.organisations["supplier"]
    assert in_app(lambda: trades_of(supplier)) == [(GROUNDS, ""), ("45421000", "")]


def test_words_a_file_gave_are_kept_when_the_web_form_saves_codes(
    listings_client, listings_world, in_app
):
    supplier = listings_world.organisations["supplier"]

    def from_a_file():
        organisation = db.session.get(Organisation, supplier)
        trade_service.set_organisation_trades(organisation, ["45000000"], ["Manufacturing"])
        db.session.commit()

    in_app(from_a_file)
    client = listings_client("offer", "member")
    assert "Manufacturing (not yet classified)" in page_text(
        client.get(f"/organisations/{supplier}/profile")
    )

    post_form(client, profile_path(listings_world), {"trades": [GROUNDS]})

    assert sorted(in_app(lambda: trades_of(supplier)), key=str) == [
        (GROUNDS, ""),
        (None, "Manufacturing"),
    ]


def test_a_buyer_gives_its_type_and_is_asked_no_trades(listings_client, listings_world, in_app):
    client = listings_client("opportunity", "member")
    buyer = listings_world.organisations["buyer"]

    assert 'name="trades' not in client.get(profile_path(listings_world, "buyer")).get_data(
        as_text=True
    )
    response = post_form(
        client, profile_path(listings_world, "buyer"), {"organisation_type": "council"}
    )

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(Organisation, buyer).organisation_type) == "council"
    assert "Type Council" in page_text(client.get(f"/organisations/{buyer}/profile"))


def test_a_supplier_is_asked_no_organisation_type(listings_client, listings_world):
    html = (
        listings_client("offer", "member").get(profile_path(listings_world)).get_data(as_text=True)
    )

    assert 'name="organisation_type"' not in html


def test_an_opportunity_says_what_it_buys_and_keeps_it_when_edited(
    listings_client, listings_world, in_app
):
    client = listings_client("opportunity", "member")
    buyer = listings_world.organisations["buyer"]

    response = post_form(
        client,
        f"/organisations/{buyer}/opportunities/new",
        form_data("opportunity", trades=[GROUNDS], **{"trades-other": "77314000"}),
    )

    assert response.status_code == 302
    opportunity_id = in_app(lambda: db.session.scalars(select(Opportunity.id)).one())
    page = page_text(client.get(f"/opportunities/{opportunity_id}"))
    assert "Grounds maintenance and landscaping (77310000)" in page
    assert "Grounds maintenance services (77314000)" in page
    edit = client.get(f"/opportunities/{opportunity_id}/edit").get_data(as_text=True)
    assert f'value="{GROUNDS}" id="trades-{GROUNDS}" checked' in edit
    codes = in_app(
        lambda: db.session.scalars(
            select(OpportunityTrade.cpv_code).order_by(OpportunityTrade.id)
        ).all()
    )
    assert codes == [GROUNDS, "77314000"]


def test_the_trade_search_finds_codes_by_words_and_by_digits(listings_client):
    client = listings_client("offer", "member")

    by_words = page_text(client.get("/trades?q=window+cleaning"))
    by_digits = page_text(client.get("/trades?q=7731"))

    assert "90911300 Window-cleaning services" in by_words
    assert "77314000 Grounds maintenance services" in by_digits
    assert "Grounds maintenance and landscaping: 77310000" in page_text(client.get("/trades"))


@pytest.mark.parametrize("query", ["\x00", "%", "a" * 500, "'; drop table", "😀"])
def test_the_trade_search_answers_any_words_without_an_error(listings_client, query):
    assert (
        listings_client("offer", "member").get("/trades", query_string={"q": query}).status_code
        == 200
    )


def test_a_profile_reads_its_organisation_profile_trades_and_listings_in_one_query(
    app, listings_client, listings_world, in_app, make_listing
):
    """Every supplier of the county has a profile page: its trades and its offers come in
    the same round trip to the database as the organisation and its profile."""
    supplier = listings_world.organisations["supplier"]

    def two_trades():
        organisation = db.session.get(Organisation, supplier)
        trade_service.set_organisation_trades(organisation, [GROUNDS, "45000000"], [])
        db.session.commit()

    in_app(two_trades)
    make_listing("offer", status="published", title="Park volunteering days")
    client = listings_client("offer", "member")

    with app.app_context(), counted_statements() as statements:
        text = page_text(client.get(f"/organisations/{supplier}/profile"))

    assert "Grounds maintenance and landscaping" in text and "Building work" in text
    assert "Park volunteering days" in text
    reading_the_page = [s for s in statements if "organisation_trades" in s or "offers" in s]
    assert len(reading_the_page) == 1
    assert "profiles" in reading_the_page[0]
