"""GET /api/v1/{opportunities,needs,offers}/<id>/matches: stored matches as JSON."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.listings.models import Offer
from brokerage.matches.models import Match
from brokerage.matching.strength import strength_word
from tests.helpers.api import bearer
from tests.helpers.matches import (
    READING,
    forget_stored_reasons,
    offer,
    reading_need,
    reference_reasons,
)
from tests.helpers.web import log_in

# As in tests/matches: the shipped catalogue, and rankings of two.
pytestmark = pytest.mark.usefixtures("shipped_catalogue", "small_top_n")


@pytest.fixture
def listed(county):
    return {
        "need": county.list("need", "arch", **reading_need()),
        "offer": county.list("offer", "readers", **offer("Reading volunteers", "OX4 2JY", READING)),
        "other": county.list("offer", "caterers", **offer("Reading mentors", "OX4 1JE", READING)),
        "draft": county.list("need", "arch", publish=False, **reading_need(title="Secret")),
    }


def _token(in_app, token_for, email):
    return token_for(in_app(lambda: db.session.scalar(select(User.id).where(User.email == email))))


def test_a_needs_matches_come_best_first_with_parts_and_reasons(
    app, county, listed, in_app, token_for
):
    token = _token(in_app, token_for, county.email("arch"))
    forget_stored_reasons(in_app)  # worked out for the answer, and not written
    response = app.test_client().get(
        f"/api/v1/needs/{listed['need']}/matches", headers=bearer(token)
    )
    assert response.status_code == 200
    matches = response.get_json()["matches"]
    assert [m["ref"] for m in matches][:1] == [f"OFF-{listed['offer']}"]
    first = matches[0]
    assert set(first) >= {
        "id",
        "kind",
        "ref",
        "name",
        "score",
        "strength",
        "partner_ref",
        "policy_version",
        "components",
        "distance_km",
        "reasons",
    }
    assert first["kind"] == "offer" and first["name"] == "Reading volunteers"
    assert set(first["components"]) == {"location", "toms", "fit"}
    assert first["reasons"] and isinstance(first["distance_km"], float)
    assert all(m["strength"] == strength_word(m["score"]) for m in matches)
    assert [m["score"] for m in matches] == sorted((m["score"] for m in matches), reverse=True)

    def as_stored() -> tuple:
        match = db.session.get(Match, first["id"])
        return match.stored_reasons, reference_reasons(match)

    stored_reasons, reasons = in_app(as_stored)
    assert stored_reasons is None, "reading matches writes nothing"
    assert first["reasons"] == reasons


def test_an_offers_matches_are_read_with_the_signed_in_session(app, county, listed):
    client = log_in(app.test_client(), county.email("readers"))
    matches = client.get(f"/api/v1/offers/{listed['offer']}/matches").get_json()["matches"]
    assert matches and {m["kind"] for m in matches} <= {"need", "opportunity"}
    assert all(m["strength"] in ("strong", "good", "possible") for m in matches)


def test_without_credentials_the_answer_is_401(app, listed):
    response = app.test_client().get(f"/api/v1/needs/{listed['need']}/matches")
    assert response.status_code == 401 and response.get_json()["error"]


def test_a_draft_of_another_organisation_and_an_unknown_listing_are_404(
    app,
    county,
    listed,
    in_app,
    token_for,
):
    token = _token(in_app, token_for, county.email("readers"))
    for url in (f"/api/v1/needs/{listed['draft']}/matches", "/api/v1/opportunities/999999/matches"):
        response = app.test_client().get(url, headers=bearer(token))
        assert response.status_code == 404 and response.get_json()["reason"]


def test_another_organisation_may_not_read_a_published_listings_matches(
    app,
    county,
    listed,
    in_app,
    token_for,
):
    token = _token(in_app, token_for, county.email("parents"))
    response = app.test_client().get(
        f"/api/v1/needs/{listed['need']}/matches", headers=bearer(token)
    )
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"


def test_each_match_answers_the_partner_ref_of_its_listing_beside_its_ref(
    app, county, listed, in_app, token_for
):
    def give_ref() -> None:
        db.session.get(Offer, listed["offer"]).external_ref = "READ-1"
        db.session.commit()

    in_app(give_ref)
    token = _token(in_app, token_for, county.email("arch"))

    matches = (
        app.test_client()
        .get(f"/api/v1/needs/{listed['need']}/matches", headers=bearer(token))
        .get_json()["matches"]
    )

    refs = {m["ref"]: m["partner_ref"] for m in matches}
    assert refs[f"OFF-{listed['offer']}"] == "READ-1"
    assert refs[f"OFF-{listed['other']}"] is None
