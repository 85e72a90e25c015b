"""A few suppliers against many opportunities in one pass (brokerage.matching.supplier_batch)
gives every part exactly as scoring each opportunity on its own (`score_suppliers`) does,
under any policy, and lists the same suppliers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.matching.model import Catalogue, WantedMeasure
from brokerage.matching.supplier_batch import OpportunityArrays, score_opportunities
from brokerage.matching.supplier_model import (
    OpportunityQuery,
    PooledMeasure,
    SupplierCandidate,
    SupplierPolicy,
)
from brokerage.matching.suppliers import (
    SupplierPool,
    SupplierScores,
    listed_totals,
    score_suppliers,
)
from tests.matching.strategies import CATALOGUE, opportunities, supplier_lists, suppliers

POLICY = SupplierPolicy()
PARTS = ("trade", "social_value", "place", "supplier", "scale", "distance_m", "total")
credits = st.floats(min_value=0, max_value=1)
weights = st.floats(min_value=0, max_value=3)


@st.composite
def policies(draw: st.DrawFn) -> SupplierPolicy:
    """Any valid policy: every credit, weight, distance and limit drawn apart, so a rule
    that reads the wrong one shows."""
    mix = draw(st.tuples(weights, weights, weights).filter(lambda w: sum(w) > 0))
    return SupplierPolicy(
        same_group_credit=draw(credits),
        adjacent_area_credit=draw(credits),
        same_division_credit=draw(credits),
        no_trades_category_credit=draw(credits),
        no_trades_words_credit=draw(credits),
        social_value_weight=mix[0],
        place_weight=mix[1],
        supplier_weight=mix[2],
        related_measure_credit=draw(credits),
        local_km=draw(st.floats(min_value=0, max_value=40)),
        half_life_km=draw(st.floats(min_value=0.5, max_value=40)),
        sme_weight=draw(weights),
        vcse_weight=draw(weights),
        living_wage_weight=draw(weights),
        charter_weight=draw(weights),
        micro_limit_pence=draw(st.sampled_from([0, 20_000_000, 100_000_000])),
        small_limit_pence=draw(st.sampled_from([0, 200_000_000, 400_000_000])),
        very_small_factor=draw(credits),
        priority_place_bonus=draw(credits),
        in_area_bonus=draw(credits),
    )


def assert_scored_as_one_by_one(
    queries: list[OpportunityQuery], pool: SupplierPool, policy: SupplierPolicy
) -> SupplierScores:
    """Every part of the one pass equals `score_suppliers` run on each opportunity."""
    scores = score_opportunities(OpportunityArrays(queries, pool.catalogue), pool, policy)
    for part in PARTS:
        assert getattr(scores, part).shape == (len(queries), len(pool))
    for row, query in enumerate(queries):
        expected = score_suppliers(query, pool, policy)
        for part in PARTS:
            np.testing.assert_allclose(
                getattr(scores, part)[row], getattr(expected, part), rtol=0, atol=1e-9, err_msg=part
            )
    return scores


@settings(max_examples=200, deadline=None)
@given(st.lists(opportunities(), max_size=10), supplier_lists(), policies())
def test_a_few_suppliers_against_many_opportunities_score_as_one_opportunity_at_a_time(
    queries, candidates, policy
):
    assert_scored_as_one_by_one(queries, SupplierPool(candidates, CATALOGUE), policy)


@settings(max_examples=150, deadline=None)
@given(st.lists(opportunities(), min_size=1, max_size=10), suppliers(key=7), policies())
def test_one_supplier_against_many_opportunities_scores_as_its_own_pool_did(
    queries, candidate, policy
):
    assert_scored_as_one_by_one(queries, SupplierPool([candidate], CATALOGUE), policy)


def _grounds(**changes: object) -> OpportunityQuery:
    base = OpportunityQuery(
        451_000,
        206_000,
        trades=("77310000",),
        category="Construction",
        text="Grounds maintenance for parks",
        measures=(WantedMeasure("OIEP-S6", 200, 2), WantedMeasure("OIEP-J1", None, 1)),
        value_pence=45_000_000,
    )
    return dataclasses.replace(base, **changes)


# Opportunities that between them meet every rule: codes at every relation, no codes (words
# and sector), neither codes nor words nor measures, asks met in full, in part, by a related
# measure or by a measure outside the catalogue, a tiny or no target, weights summing to 0,
# a large contract for a small firm, and places near, beyond a radius and unknown.
OPPORTUNITIES = [
    _grounds(),
    _grounds(trades=("77300000",), value_pence=500_000_000),
    _grounds(trades=("45441000", "77211400"), easting=480_000.0, northing=250_000.0),
    _grounds(trades=("50700000",), measures=(WantedMeasure("OIEP-J2", 1e-300, 1),)),
    _grounds(trades=(), trade_words="grounds maintenance", value_pence=None),
    _grounds(trades=(), category="cleaning", text="", measures=()),
    _grounds(trades=(), category=None, text="", measures=()),
    _grounds(measures=(WantedMeasure("UNKNOWN-1", 5, 1), WantedMeasure("OIEP-S7", 0, 0))),
    _grounds(measures=(WantedMeasure("OIEP-S1", 10, 0),)),
]
SUPPLIERS = [
    SupplierCandidate(
        1,
        450_000,
        206_000,
        25_000,
        ("77310000", "45000000"),
        measures={"OIEP-S6": PooledMeasure(50), "OIEP-J2": PooledMeasure(3)},
        size="micro",
        vcse=True,
        priority_place="Blackbird Leys",
        in_area=True,
    ),
    SupplierCandidate(
        2,
        410_000,
        190_000,
        5_000,
        ("77340000",),
        category="construction",
        measures={"UNKNOWN-1": PooledMeasure(9), "OIEP-S7": PooledMeasure(0)},
        size="small",
        living_wage=True,
        charter_signee=True,
        in_area=True,
    ),
    SupplierCandidate(
        3,
        None,
        None,
        None,
        (),
        category="Cleaning",
        description="Grounds and gardens",
        measures={"OIEP-J1": PooledMeasure(4), "OIEP-S2": PooledMeasure(1)},
        size="large",
        priority_place="Barton",
        in_area=True,
    ),
    SupplierCandidate(4, 452_000, 205_000, None, ("55520000",), size="medium"),
]


def replace_place(candidate: SupplierCandidate) -> SupplierCandidate:
    return dataclasses.replace(candidate, priority_place=None, in_area=False)


def test_every_rule_met_by_the_county_sample_scores_as_one_opportunity_at_a_time():
    policy = SupplierPolicy(
        same_group_credit=0.6,
        adjacent_area_credit=0.4,
        same_division_credit=0.2,
        no_trades_category_credit=0.3,
        no_trades_words_credit=0.7,
        related_measure_credit=0.35,
        living_wage_weight=2,
        priority_place_bonus=0.15,
        in_area_bonus=0.07,
    )
    pool = SupplierPool(SUPPLIERS, CATALOGUE)
    scores = assert_scored_as_one_by_one(OPPORTUNITIES, pool, policy)
    # The sample does meet each rule (else the comparison above proves little).
    assert set(np.unique(scores.trade)) >= {0.0, 1.0, 0.6, 0.4, 0.2, 0.3, 0.7}
    assert set(np.unique(scores.scale)) == {1.0, policy.very_small_factor}
    assert np.isnan(scores.distance_m[:, 2]).all()
    assert ((scores.place > 0) & (scores.place < 1)).any()
    # Based in a priority place and the area, in the area alone, or neither: the bonuses
    # lift the second supplier (beyond its 5 km radius) by 0.07 and no more.
    far = OpportunityQuery(451_000, 236_000, trades=("77340000",))
    lifted = score_suppliers(far, pool, policy).place
    unlifted = score_suppliers(
        far, SupplierPool([replace_place(c) for c in SUPPLIERS], CATALOGUE), policy
    ).place
    assert lifted[1] == pytest.approx(unlifted[1] + 0.07) and unlifted[1] < 0.9
    assert lifted[0] == pytest.approx(min(1.0, unlifted[0] + 0.22)) and lifted[3] == unlifted[3]
    assert (scores.social_value[-1] == 0).all() and (scores.social_value[:, 0] > 0).any()
    assert ((scores.social_value > 0) & (scores.social_value < 1)).any()


def test_opportunities_and_suppliers_must_share_one_catalogue():
    other = Catalogue(CATALOGUE.measures.values())
    with pytest.raises(ValueError, match="one catalogue"):
        score_opportunities(
            OpportunityArrays(OPPORTUNITIES, other), SupplierPool(SUPPLIERS, CATALOGUE), POLICY
        )


@settings(max_examples=150, deadline=None)
@given(st.lists(opportunities(), max_size=10), supplier_lists(), st.data())
def test_the_opportunitys_own_organisation_and_other_trades_are_never_listed(
    queries, candidates, data
):
    owners = [data.draw(st.integers(-1, len(candidates))) for _ in queries]
    pool = SupplierPool(candidates, CATALOGUE)
    keys = np.array([candidate.key for candidate in candidates], dtype=np.int64)
    scores = score_opportunities(OpportunityArrays(queries, CATALOGUE), pool, POLICY)
    totals = listed_totals(scores, keys, np.array(owners, dtype=np.int64)[:, np.newaxis])
    for row, (query, owner) in enumerate(zip(queries, owners, strict=True)):
        alone = score_suppliers(query, pool, POLICY)
        expected = [
            alone.total[column] if alone.trade[column] > 0 and candidate.key != owner else -np.inf
            for column, candidate in enumerate(candidates)
        ]
        np.testing.assert_allclose(totals[row], expected, rtol=0, atol=1e-9)
