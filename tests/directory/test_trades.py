"""Finding suppliers by trade: a filter that reads the CPV hierarchy, and trade words in
the search box (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import profiles, trade_service
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers.pages import page_text
from tests.helpers.web import log_in

SUPPLIERS = {
    # name: trades
    "Greenleaf Grounds": ["77314000"],  # grounds maintenance services
    "Parks and Verges Ltd": ["77310000"],  # green areas, the class
    "Cowley Caterers": ["55520000"],
    "All-round Builders": ["45000000"],  # the whole construction division
    "Headington Joinery": ["45421000"],
}


@pytest.fixture
def searcher(app, create, in_app):
    for name, codes in SUPPLIERS.items():
        organisation = create(OrganisationFactory, name=name, kind="supplier", postcode="OX4 2JY")

        def give(organisation_id=organisation.id, codes=codes):
            found = db.session.get(Organisation, organisation_id)
            profiles.save_profile(found, profiles.ProfileFields(size="small"))
            trade_service.set_organisation_trades(found, codes)
            db.session.commit()

        in_app(give)
    create(UserFactory, email="buyer@example.org")
    return log_in(app.test_client(), "buyer@example.org")


def names_found(client, **query) -> list[str]:
    text = page_text(client.get("/directory/suppliers", query_string=query))
    return sorted(name for name in SUPPLIERS if name in text)


@pytest.mark.parametrize(
    ("trade", "expected"),
    [
        ("77310000", ["Greenleaf Grounds", "Parks and Verges Ltd"]),  # within the class
        ("77314000", ["Greenleaf Grounds", "Parks and Verges Ltd"]),  # the class covers it
        ("77314000-1", ["Greenleaf Grounds", "Parks and Verges Ltd"]),  # as a notice writes it
        ("45421000", ["All-round Builders", "Headington Joinery"]),
        ("45000000", ["All-round Builders", "Headington Joinery"]),
        ("55520000", ["Cowley Caterers"]),
    ],
)
def test_the_trade_filter_finds_suppliers_whose_trade_lies_within_or_covers_it(
    searcher, trade, expected
):
    assert names_found(searcher, trade=trade) == expected


def test_a_trade_that_is_not_a_cpv_code_is_a_field_error_not_a_500(searcher):
    response = searcher.get("/directory/suppliers", query_string={"trade": "45999999"})

    assert response.status_code == 400
    assert "is not a trade or a CPV code" in page_text(response)


def test_trade_words_find_suppliers_who_never_wrote_them(searcher):
    assert "Greenleaf Grounds" in names_found(searcher, q="landscaping")
    assert names_found(searcher, q="carpentry") == ["Headington Joinery"]


def test_a_change_of_trades_is_seen_by_the_next_search(searcher, in_app):
    assert names_found(searcher, trade="55520000") == ["Cowley Caterers"]

    def retrain():
        found = db.session.scalar(
            select(Organisation).where(Organisation.name == "Cowley Caterers")
        )
        trade_service.set_organisation_trades(found, ["77314000"])
        db.session.commit()

    in_app(retrain)

    assert names_found(searcher, trade="55520000") == []
    assert "Cowley Caterers" in names_found(searcher, trade="77310000")


def test_the_api_filters_by_trade_and_names_each_suppliers_trades(searcher):
    body = searcher.get("/api/v1/suppliers?trade=45421000").get_json()

    assert sorted(item["name"] for item in body["results"]) == [
        "All-round Builders",
        "Headington Joinery",
    ]
    joinery = next(i for i in body["results"] if i["name"] == "Headington Joinery")
    assert joinery["trades"] == [{"code": "45421000", "label": "Joinery work"}]
