"""Offer ceilings: how high a seeker left out of an offer's top N may score, so that a save
in which a ranked seeker falls but stays above it merges the offer's ranking from stored
scores instead of scoring every seeker against the offer (issue 21: an opportunity's save at
50,000 suppliers). Top 2 here (conftest)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from brokerage.extensions import db
from brokerage.matches.scene import Scene
from brokerage.matches.store import rebuild
from tests.helpers.matches import ceilings, exact_ceilings, offer, stored

COLUMN = "opportunity_id"


def _what_a_rebuild_stores(in_app) -> dict:
    """The rows a full rebuild would store now (rolled back: the ceilings saves left stay)."""

    def run() -> dict:
        rebuild()
        db.session.flush()
        rows = stored(lambda read: read())
        db.session.rollback()
        return rows

    return in_app(run)


def _bounds_hold(in_app) -> None:
    """Every stored ceiling is known for every published offer and at least what the best
    seeker left out scores now (equal after a rebuild; higher is allowed)."""
    kept, exact = ceilings(in_app), exact_ceilings(in_app)
    assert exact.keys() <= kept.keys()
    for key, score in exact.items():
        assert score is None or (kept[key] is not None and kept[key] >= score), key


def _target(county, ids: dict[str, int], name: str, target: str, postcode: str) -> None:
    """Contract `name` asks for this many jobs (an offer of 3 covers all of up to 30)."""
    county.edit(
        "opportunity",
        ids[name],
        title=f"Jobs {name}",
        postcode=postcode,
        measures={"OIEP-J1": Decimal(target)},
    )


@pytest.fixture
def contracts(county) -> dict[str, int]:
    """A cleaning firm's offer of 3 jobs and four contracts asking for jobs: two in Oxford
    covered in full, one in Oxford covered in part (left out of the offer's top 2) and one
    in Banbury."""
    jobs = {"OIEP-J1": Decimal(3)}
    ids = {"cleaning": county.list("offer", "cleaners", **offer("Cleaning jobs", "OX4 4HH", jobs))}
    for name, postcode, target in (
        ("near", "OX4 4HH", 3),
        ("middle", "OX4 1JE", 3),
        ("far", "OX1 1ND", 40),
        ("banbury", "OX16 5AA", 3),
    ):
        measures = {"OIEP-J1": Decimal(target)}
        ids[name] = county.list(
            "opportunity", "buyer", title=f"Jobs {name}", postcode=postcode, measures=measures
        )
    return ids


def _offer_ranking(in_app, offer_id: int) -> list[int]:
    """The offer's top contracts, best first."""
    rows = stored(in_app)
    ranked = [
        (ranks[2], seeker)
        for (o, kind, seeker), ranks in rows.items()
        if o == offer_id and kind == "opportunity" and ranks[2]
    ]
    return [seeker for _, seeker in sorted(ranked)]


def test_a_rebuild_stores_each_offers_ceiling_the_best_score_its_ranking_leaves_out(
    contracts, in_app
):
    def run() -> None:
        rebuild()
        db.session.commit()

    in_app(run)
    kept = ceilings(in_app)
    assert kept == exact_ceilings(in_app)
    assert kept[(contracts["cleaning"], COLUMN)] is not None, "two contracts are left out"


def test_a_contract_falling_to_the_foot_of_an_offers_ranking_above_its_ceiling_is_merged(
    county, contracts, in_app, monkeypatch
):
    """The middle contract falls below the near one but stays above every contract left
    out: the offer's ranking keeps its two, merged from stored scores, with no scoring of
    every contract against the offer."""
    assert _offer_ranking(in_app, contracts["cleaning"]) == [contracts["near"], contracts["middle"]]
    rescored: list[int] = []
    storable_offer_scores = Scene.storable_offer_scores

    def spied(scene: Scene, side, offer: int):
        rescored.append(int(scene.offers.ids[offer]))
        return storable_offer_scores(scene, side, offer)

    monkeypatch.setattr(Scene, "storable_offer_scores", spied)
    _target(county, contracts, "middle", "35", "OX4 1JE")

    assert contracts["cleaning"] not in rescored
    assert _offer_ranking(in_app, contracts["cleaning"]) == [contracts["near"], contracts["middle"]]
    assert stored(in_app) == _what_a_rebuild_stores(in_app)
    _bounds_hold(in_app)


def test_a_contract_left_out_that_improves_raises_the_ceiling_so_a_later_fall_rescores(
    county, contracts, in_app
):
    """The far contract improves but stays out (0.75 -> 0.8 of its ask covered); the middle
    one then falls between its old and new score (0.86 -> 0.76): the far one must take its
    place, which only scoring every contract finds."""
    _target(county, contracts, "middle", "35", "OX4 1JE")
    _target(county, contracts, "far", "37.5", "OX1 1ND")
    assert _offer_ranking(in_app, contracts["cleaning"]) == [contracts["near"], contracts["middle"]]
    _bounds_hold(in_app)
    _target(county, contracts, "middle", "39.5", "OX4 1JE")

    assert _offer_ranking(in_app, contracts["cleaning"]) == [contracts["near"], contracts["far"]]
    assert stored(in_app) == _what_a_rebuild_stores(in_app)
    _bounds_hold(in_app)


def test_a_contract_archived_from_an_offers_ranking_lets_the_best_left_out_in(
    county, contracts, in_app
):
    county.act("opportunity", contracts["near"], "archive")

    assert _offer_ranking(in_app, contracts["cleaning"]) == [contracts["middle"], contracts["far"]]
    assert stored(in_app) == _what_a_rebuild_stores(in_app)
    _bounds_hold(in_app)


def test_an_offer_saved_or_archived_sets_or_drops_its_own_ceilings(county, contracts, in_app):
    county.edit(
        "offer", contracts["cleaning"], **offer("Cleaning jobs", "OX4 1JE", {"OIEP-J1": Decimal(4)})
    )
    assert ceilings(in_app) == exact_ceilings(in_app)
    county.act("offer", contracts["cleaning"], "archive")
    assert not [key for key in ceilings(in_app) if key[0] == contracts["cleaning"]]
