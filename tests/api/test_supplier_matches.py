"""GET /api/v1/opportunities/<id>/matches ranks supplier organisations (issue 21): the
right trade first, never another trade; the offers that count; bad input answered."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask, get_template_attribute
from sqlalchemy import delete, select
from werkzeug.routing import MapAdapter

from brokerage.accounts.models import Organisation, User
from brokerage.extensions import cache, db
from brokerage.listings import profiles, service, trade_service
from brokerage.listings.models import Offer, Opportunity
from brokerage.matches.models import Match
from brokerage.matches.suppliers import ShownOffer
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.states import State
from tests.factories import (
    MatchFactory,
    MembershipFactory,
    OrganisationFactory,
    PriorityPlaceFactory,
    PriorityPlacePrefixFactory,
    UserFactory,
)
from tests.helpers.api import bearer
from tests.helpers.listings import listing_fields
from tests.helpers.web import log_in

PARKS = "OX4 4DH"
GROUNDS_ASKS = {"OIEP-J1": Decimal(3), "NT1": Decimal(4), "OIEP-G1": Decimal(20000)}


@dataclass(frozen=True)
class ParksContract:
    app: Flask
    ids: dict[str, int]

    def token(self, token_for: Callable[[int], str], key: str) -> str:
        with self.app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.email == f"{key}@example.org"))
        return token_for(user_id)


def _organisation(key: str, kind: str, postcode: str, description: str = "") -> Organisation:
    organisation = OrganisationFactory(
        name=key.replace("-", " ").title(), kind=kind, postcode=postcode, description=description
    )
    user = UserFactory(email=f"{key}@example.org")
    MembershipFactory(user_id=user.id, organisation_id=organisation.id, role="owner")
    return organisation


def _supplier(key: str, postcode: str, trades: list[str], offers: list[dict], **profile: Any):
    organisation = _organisation(key, "supplier", postcode)
    profiles.save_profile(
        organisation,
        profiles.ProfileFields(
            size=profile.get("size", "small"),
            is_vcse=profile.get("vcse", False),
            pays_real_living_wage=profile.get("living_wage", False),
            service_radius_km=profile.get("radius_km", 25),
        ),
    )
    trade_service.set_organisation_trades(organisation, trades)
    made = []
    for offer in offers:
        listing = service.create_listing(
            organisation, listing_fields("offer", postcode=postcode, **offer)
        )
        service.change_status(listing, "publish", _staff())
        made.append(listing.id)
    return organisation.id, made


def _staff() -> User:
    return db.session.scalar(select(User).where(User.email == "staff@example.org"))


@pytest.fixture
def parks_contract(app: Flask) -> ParksContract:
    """A buyer's grounds maintenance contract for Oxford parks; a grounds firm 5 km away
    whose offers each cover part of the asks and which has expressed interest; a caterer
    and a cleaning co-op right beside the parks with far more social value."""
    with app.app_context():
        load_shipped_frameworks()
        UserFactory(email="staff@example.org", is_staff=True)
        buyer = _organisation("city-council", "buyer", "OX1 1BX")
        grounds, grounds_offers = _supplier(
            "greenleaf-grounds",
            "OX4 6JW",
            ["77310000"],
            [
                {"title": "Park crew jobs for over 50s", "measures": {"OIEP-J1": Decimal(2)}},
                {"title": "Horticulture apprenticeships", "measures": {"NT1": Decimal(2)}},
            ],
            radius_km=40,
            living_wage=True,
        )
        generous = {"OIEP-J1": Decimal(30), "NT1": Decimal(40), "OIEP-G1": Decimal(90000)}
        caterer, _ = _supplier(
            "cowley-catering",
            PARKS,
            ["55520000"],
            [{"title": "Jobs for everyone", "measures": generous}],
            vcse=True,
            living_wage=True,
        )
        cleaners, _ = _supplier(
            "leys-cleaning-coop",
            PARKS,
            ["90910000"],
            [{"title": "Local cleaning jobs", "measures": generous}],
            vcse=True,
        )
        fields = listing_fields(
            "opportunity",
            title="Grounds maintenance for Oxford parks",
            description="Mowing, shrub beds and hedges in Oxford's parks.",
            postcode=PARKS,
            estimated_value_pence=45_000_000,
            measures=GROUNDS_ASKS,
            weights={"OIEP-J1": Decimal(2), "NT1": Decimal(1), "OIEP-G1": Decimal(1)},
            trades=("77310000",),
        )
        parks = service.create_listing(buyer, fields)
        service.change_status(parks, "publish", _staff())
        bare = service.create_listing(
            buyer,
            listing_fields(
                "opportunity", title="Odd jobs", description="", measures={}, weights={}
            ),
        )
        db.session.commit()  # a draft: publishing needs a measure, but its owner sees matches
        match = db.session.scalar(
            select(Match).where(
                Match.opportunity_id == parks.id, Match.offer_id == grounds_offers[0]
            )
        )
        assert match is not None, "the stored offer-level match the workflow hangs off"
        match.state = State.INTEREST_EXPRESSED.value
        db.session.commit()
        return ParksContract(
            app,
            {
                "parks": parks.id,
                "bare": bare.id,
                "grounds": grounds,
                "caterer": caterer,
                "cleaners": cleaners,
                "offer": grounds_offers[0],
            },
        )


def _matches(parks_contract: ParksContract, token: str, key: str = "parks") -> Any:
    response = parks_contract.app.test_client().get(
        f"/api/v1/opportunities/{parks_contract.ids[key]}/matches", headers=bearer(token)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_grounds_contract_lists_the_grounds_firm_first_and_no_caterer(
    parks_contract, token_for
):
    answer = _matches(parks_contract, parks_contract.token(token_for, "city-council"))
    assert isinstance(answer["policy_version"], int)
    ids = [m["id"] for m in answer["matches"]]
    assert ids[:1] == [parks_contract.ids["grounds"]]
    assert parks_contract.ids["caterer"] not in ids and parks_contract.ids["cleaners"] not in ids
    first = answer["matches"][0]
    assert first["kind"] == "supplier" and first["ref"] == f"ORG-{parks_contract.ids['grounds']}"
    assert first["name"] == "Greenleaf Grounds" and first["partner_ref"] is None
    assert set(first["components"]) == {"trade", "social_value", "place", "supplier"}
    assert first["components"]["trade"] == 1.0 and first["strength"] in {"strong", "good"}
    assert [o["title"] for o in first["offers"]] == [
        "Park crew jobs for over 50s",
        "Horticulture apprenticeships",
    ]
    assert set(first["offers"][0]) == {"id", "ref", "partner_ref", "title"}
    assert (
        "People aged over 50 recruited by employers engaged in the programme (OIEP-J1): offers "
        '2 of the 3 people wanted (67%), through "Park crew jobs for over 50s"'
    ) in first["reasons"]
    assert any("km from where the work is" in r for r in first["reasons"])
    assert first["interest"] == "interest expressed"


def test_an_opportunity_without_trades_or_measures_is_answered_with_advice(
    parks_contract, token_for
):
    answer = _matches(parks_contract, parks_contract.token(token_for, "city-council"), "bare")
    assert isinstance(answer["matches"], list)
    assert any("trades" in advice for advice in answer["advice"])
    assert any("social value measures" in advice for advice in answer["advice"])


def test_a_supplier_may_not_read_the_buyers_supplier_ranking(parks_contract, token_for):
    response = parks_contract.app.test_client().get(
        f"/api/v1/opportunities/{parks_contract.ids['parks']}/matches",
        headers=bearer(parks_contract.token(token_for, "cowley-catering")),
    )
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_the_opportunitys_matches_page_shows_suppliers_with_strength_offers_and_interest(
    parks_contract,
):
    client = log_in(parks_contract.app.test_client(), "city-council@example.org")
    page = client.get(f"/matching/opportunities/{parks_contract.ids['parks']}").get_data(
        as_text=True
    )
    assert "Greenleaf Grounds" in page and "Cowley Catering" not in page
    assert f"/organisations/{parks_contract.ids['grounds']}/profile" in page
    assert "Park crew jobs for over 50s" in page
    assert '<span class="badge text-bg-info">Under way: Interest expressed</span>' in page
    assert "Open the match with Park crew jobs for over 50s" in page
    assert re.search(r">(Strong|Good|Possible) match</span>", page)


def test_the_matches_page_builds_each_kind_of_link_once_not_once_a_supplier(
    parks_contract, monkeypatch
):
    """Each url_for costs a page some 13 us, and ten suppliers' cards link some thirty
    times: their profiles, offers and matches are filled in from a link built once."""
    ids = parks_contract.ids
    client = log_in(parks_contract.app.test_client(), "city-council@example.org")
    url = f"/matching/opportunities/{ids['parks']}"
    client.get(url)
    with parks_contract.app.app_context():
        cache.clear()  # the page worked out again
    built: list[str] = []
    build = MapAdapter.build

    def counted(self: MapAdapter, endpoint: str, *args: Any, **kwargs: Any) -> str:
        built.append(endpoint)
        return build(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counted)
    page = client.get(url).get_data(as_text=True)

    assert f'href="/organisations/{ids["grounds"]}/profile"' in page
    assert f'href="/offers/{ids["offer"]}"' in page
    assert re.search(r'href="/matches/\d+">Open the match with Park crew jobs', page)
    assert {"listings.profile", "listings.show_offer", "matches.show"}.isdisjoint(built)


def test_each_card_lists_its_offers_that_count_as_the_macro_draws_them(parks_contract, token_for):
    """The page writes the offers out itself (a macro call a card cost a fifth of drawing
    it): to the byte what `offers_that_count` draws, after the card's reasons."""
    grounds = _matches(parks_contract, parks_contract.token(token_for, "city-council"))
    offers = [
        ShownOffer(o["id"], o["ref"], o["partner_ref"], o["title"])
        for o in grounds["matches"][0]["offers"]
    ]
    client = log_in(parks_contract.app.test_client(), "city-council@example.org")
    page = client.get(f"/matching/opportunities/{parks_contract.ids['parks']}").get_data(
        as_text=True
    )
    with parks_contract.app.test_request_context():
        drawn = get_template_attribute("workflow/_match.html", "offers_that_count")(offers)
        none_drawn = get_template_attribute("workflow/_match.html", "offers_that_count")([])

    assert len(offers) == 2
    assert f"</li></ul>\n        {drawn}\n      </div>" in page
    assert f"</li></ul>\n        {none_drawn}\n      </div>" not in page


def test_the_json_answer_read_from_the_cache_is_the_answer_worked_out(parks_contract, token_for):
    token = parks_contract.token(token_for, "city-council")
    url = f"/api/v1/opportunities/{parks_contract.ids['parks']}/matches"
    client = parks_contract.app.test_client()
    with parks_contract.app.app_context():
        cache.clear()
    worked_out, kept = (client.get(url, headers=bearer(token)) for _ in range(2))

    assert worked_out.content_type == kept.content_type == "application/json"
    assert worked_out.get_data() == kept.get_data()
    assert worked_out.get_json()["matches"][0]["name"] == "Greenleaf Grounds"


def _only_match(offer_of: int, opportunity_id: int, state: State) -> None:
    """The offer-level match of the supplier's offer with the opportunity, in `state`."""
    offer = db.session.scalars(select(Offer).where(Offer.organisation_id == offer_of)).one()
    db.session.execute(delete(Match).where(Match.offer_id == offer.id))
    opportunity = db.session.get_one(Opportunity, opportunity_id)
    MatchFactory(offer=offer, opportunity=opportunity, need=None, state=state.value)


def test_a_match_a_supplier_outside_the_ranking_acted_on_is_listed_as_under_way(
    parks_contract,
):
    """The caterer is of another trade, so not ranked, but its offer's match with the
    contract was acted on: the buyer still finds it, under the ranking. The cleaners' match,
    only suggested, is not listed."""
    ids = parks_contract.ids
    with parks_contract.app.app_context():
        _only_match(ids["caterer"], ids["parks"], State.INTEREST_EXPRESSED)
        _only_match(ids["cleaners"], ids["parks"], State.SUGGESTED)
        db.session.commit()
    client = log_in(parks_contract.app.test_client(), "city-council@example.org")
    page = client.get(f"/matching/opportunities/{ids['parks']}").get_data(as_text=True)
    ranking, under_way = page.split("Other suppliers who acted on a match")
    assert "Cowley Catering" not in ranking
    assert "Open the match with Jobs for everyone</a> · Cowley Catering" in under_way
    assert "(Under way: Interest expressed)" in under_way
    assert "Local cleaning jobs" not in page


def test_an_offers_own_matches_page_still_lists_the_opportunity(parks_contract):
    client = log_in(parks_contract.app.test_client(), "greenleaf-grounds@example.org")
    page = client.get(f"/matching/offers/{parks_contract.ids['offer']}").get_data(as_text=True)
    assert "Grounds maintenance for Oxford parks" in page


def _place_by_distance(distance_km: float, radius_km: float) -> float:
    """The place credit by distance alone, as the policy's defaults define it (local within
    the radius and 20 km, then halving every 20 km)."""
    return float(2 ** -(max(0.0, distance_km - min(radius_km, 20.0)) / 20.0))


def test_a_supplier_based_in_a_priority_place_in_the_area_earns_the_place_bonuses(
    parks_contract, token_for
):
    with parks_contract.app.app_context():
        garden_town = PriorityPlaceFactory(name="Bicester Garden Town")
        PriorityPlacePrefixFactory(place=garden_town, prefix="OX26 2")
        offer = {"title": "Local jobs", "measures": {"OIEP-J1": Decimal(1)}}
        based, _ = _supplier("bicester-grounds", "OX26 2NA", ["77310000"], [offer], radius_km=5)
        away, _ = _supplier("swindon-grounds", "SN2 7LL", ["77310000"], [offer], radius_km=5)
        db.session.commit()
    answer = _matches(parks_contract, parks_contract.token(token_for, "city-council"))
    found = {m["id"]: m for m in answer["matches"]}
    lifted, plain = found[based], found[away]
    expected = _place_by_distance(lifted["distance_km"], 5) + 0.10 + 0.05
    assert expected < 1 and lifted["components"]["place"] == pytest.approx(expected, abs=3e-3)
    assert "Based in a priority place (Bicester Garden Town): +0.10 to place" in lifted["reasons"]
    assert "Based in the partnership's area: +0.05 to place" in lifted["reasons"]
    by_distance = _place_by_distance(plain["distance_km"], 5)
    assert plain["components"]["place"] == pytest.approx(by_distance, abs=3e-3)
    assert not any(reason.startswith("Based in") for reason in plain["reasons"])
