"""Opportunity → supplier matching (brokerage.matching.suppliers): the vectorised path
equals the per-pair reference, scores stay in [0, 1], trade is a gate, and every reason
gives the real numbers."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.matching.engine import TIE_DECIMALS
from brokerage.matching.model import WantedMeasure
from brokerage.matching.supplier_model import (
    OpportunityQuery,
    PooledMeasure,
    SupplierCandidate,
    SupplierPolicy,
)
from brokerage.matching.supplier_reference import PairScorer, score_supplier, trade_relation
from brokerage.matching.suppliers import SupplierPool, rank_suppliers, score_suppliers
from tests.matching.strategies import CATALOGUE, opportunities, supplier_lists

POLICY = SupplierPolicy()


@settings(max_examples=200, deadline=None)
@given(opportunities(), supplier_lists())
def test_the_vectorised_supplier_scorer_agrees_with_the_per_pair_reference(query, candidates):
    pool = SupplierPool(candidates, CATALOGUE)
    scores = score_suppliers(query, pool, POLICY)
    for row, candidate in enumerate(candidates):
        expected = score_supplier(query, candidate, CATALOGUE, POLICY)
        assert (scores.trade[row] > 0) == (expected is not None)
        if expected is None:
            continue
        for part in ("trade", "social_value", "place", "supplier", "scale"):
            assert getattr(scores, part)[row] == pytest.approx(getattr(expected, part), abs=1e-9)
        assert scores.total[row] == pytest.approx(expected.score, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(opportunities(), min_size=1, max_size=3), supplier_lists())
def test_the_rebuilds_pair_scorer_gives_every_pair_exactly_as_the_reference(queries, candidates):
    """One scorer for every pair, as a rebuild uses it: what it remembers from one pair (a
    supplier's offers, how two codes relate) never changes another's result or reasons."""
    names = {"77310000": "Planting and maintenance services of green areas"}
    scorer = PairScorer(CATALOGUE, POLICY, names)
    for query in queries:
        for candidate in candidates:
            expected = score_supplier(query, candidate, CATALOGUE, POLICY, names)
            assert scorer.score(query, candidate) == expected
            assert scorer.score(query, dataclasses.replace(candidate, vcse=True)) == (
                score_supplier(
                    query, dataclasses.replace(candidate, vcse=True), CATALOGUE, POLICY, names
                )
            )


@settings(max_examples=150, deadline=None)
@given(opportunities(), supplier_lists())
def test_every_supplier_score_and_part_is_between_zero_and_one(query, candidates):
    ranked = rank_suppliers(query, SupplierPool(candidates, CATALOGUE), POLICY, len(candidates))
    for result in ranked:
        for value in (result.score, result.trade, result.social_value, result.place):
            assert 0.0 <= value <= 1.0
        assert 0.0 <= result.supplier <= 1.0
    # Best first; scores equal to TIE_DECIMALS are ties (float noise such as
    # 0.19999999999999998 and 0.2 decides no order: the pool's order does).
    scores = [round(r.score, TIE_DECIMALS) for r in ranked]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("theirs", "ours", "relation"),
    [
        ("77310000", "77310000", "full"),
        ("77311000", "77310000", "full"),  # inside the contract's class
        ("77310000", "77000000", "full"),  # theirs inside the contract's
        ("77000000", "77310000", "division"),  # a broad code claims the field, not the work
        ("45420000", "50700000", "adjacent"),  # joinery for building repairs
        ("50700000", "45442100", "adjacent"),
        ("77340000", "77310000", "group"),
        ("77211400", "77310000", "division"),
        ("55520000", "77310000", None),
    ],
)
def test_trade_relations_follow_the_cpv_hierarchy(theirs, ours, relation):
    assert trade_relation(theirs, ours) == relation


GROUNDS = OpportunityQuery(
    451_000,
    206_000,
    trades=("77310000",),
    measures=(WantedMeasure("OIEP-S6", 200, 2), WantedMeasure("OIEP-J1", 4, 1)),
    value_pence=45_000_000,
)


def _supplier(key: str, trades: tuple[str, ...], **changes: object) -> SupplierCandidate:
    base = SupplierCandidate(key, 450_000, 206_000, 25_000, trades, size="small")
    return dataclasses.replace(base, **changes)


def test_a_caterer_is_never_a_match_for_grounds_maintenance_however_near_or_generous():
    caterer = _supplier(
        "caterer",
        ("55520000",),
        measures={"OIEP-S6": PooledMeasure(5_000), "OIEP-J1": PooledMeasure(40)},
        vcse=True,
        living_wage=True,
        charter_signee=True,
    )
    grounds = _supplier("grounds", ("77310000",), easting=470_000.0)
    ranked = rank_suppliers(GROUNDS, SupplierPool([caterer, grounds], CATALOGUE), POLICY)
    assert [r.key for r in ranked] == ["grounds"]


def test_a_trade_reason_gives_the_trades_name_first_and_its_code_after_it():
    names = {"77310000": "Planting and maintenance services of green areas"}
    grounds = _supplier("grounds", ("77310000",))
    result = score_supplier(GROUNDS, grounds, CATALOGUE, POLICY, names)
    assert result is not None
    assert "Right trade: Planting and maintenance services of green areas (77310000)" in (
        result.reasons
    )


def test_a_suppliers_offers_count_together_and_are_named():
    pooled = {
        "OIEP-S6": PooledMeasure(20, ("OFF-1", "OFF-2")),
        "OIEP-J2": PooledMeasure(1, ("OFF-3",)),
    }
    titles = {"OFF-1": "Volunteer days", "OFF-2": "Park clean-ups", "OFF-3": "Fair hiring"}
    builder = _supplier("b", ("77310000",), measures=pooled, offer_titles=titles)
    result = score_supplier(GROUNDS, builder, CATALOGUE, POLICY)
    assert result is not None
    assert result.social_value == pytest.approx((2 * 0.1 + 1 * 0.5) / 3)
    assert result.offers == ("OFF-1", "OFF-2", "OFF-3")
    assert (
        f"{CATALOGUE['OIEP-S6'].name} (OIEP-S6): offers 20 of the 200 hours wanted (10%), "
        'through "Volunteer days", "Park clean-ups"'
    ) in result.reasons
    # Named as a need's reasons name a measure: the name first, its code in brackets after.
    assert (
        f"{CATALOGUE['OIEP-J1'].name} (OIEP-J1): offers {CATALOGUE['OIEP-J2'].name} (OIEP-J2) "
        'instead; counted at 50%: a related measure with the same outcome, through "Fair hiring"'
    ) in result.reasons


def test_offers_beyond_the_ask_say_the_ask_is_met_not_a_share_over_100_percent():
    pooled = {"OIEP-S6": PooledMeasure(800, ("OFF-1",))}
    builder = _supplier("b", ("77310000",), measures=pooled, offer_titles={"OFF-1": "Days"})
    result = score_supplier(GROUNDS, builder, CATALOGUE, POLICY)
    assert result is not None
    said = [r for r in result.reasons if "OIEP-S6" in r]
    assert said and "all of the 200 wanted; counted in full" in said[0]
    assert not any("%)" in r for r in said)


def test_a_supplier_within_its_service_area_but_far_away_says_both_distances():
    far = _supplier(
        "far", ("77310000",), easting=451_000.0, northing=241_000.0, service_radius_m=40_000
    )
    result = score_supplier(GROUNDS, far, CATALOGUE, POLICY)
    assert result is not None and 0 < result.place < 1
    assert any("35.0 km" in r and "beyond the 20 km" in r and "40 km" in r for r in result.reasons)


def test_a_micro_firm_for_a_large_contract_is_counted_down_and_told_so():
    micro = _supplier("micro", ("77310000",), size="micro")
    small = _supplier("small", ("77310000",), size="small")
    m = score_supplier(GROUNDS, micro, CATALOGUE, POLICY)
    s = score_supplier(GROUNDS, small, CATALOGUE, POLICY)
    assert m is not None and s is not None and m.score < s.score
    assert any("a micro firm for £450,000" in r for r in m.reasons)


def test_a_supplier_without_trades_falls_back_to_its_words_at_a_stated_credit():
    query = dataclasses.replace(GROUNDS, trade_words="Grounds maintenance services")
    words_only = _supplier("w", (), description="Grounds maintenance for estates")
    result = score_supplier(query, words_only, CATALOGUE, POLICY)
    assert result is not None and result.trade == POLICY.no_trades_words_credit
    assert any("grounds" in r and "counted at 50%" in r for r in result.reasons)
    assert score_supplier(query, _supplier("x", (), description="Pies"), CATALOGUE, POLICY) is None


def test_a_policy_with_every_mix_weight_at_zero_is_refused():
    with pytest.raises(ValueError, match="weights"):
        SupplierPolicy(social_value_weight=0, place_weight=0, supplier_weight=0)


# 35 km from the work with no radius: beyond the 20 km counted as local, place 2^-(15/20).
FAR = {"easting": 451_000.0, "northing": 241_000.0, "service_radius_m": None}


def test_a_supplier_based_in_a_priority_place_and_in_the_area_earns_each_stated_bonus():
    plain = score_supplier(GROUNDS, _supplier("p", ("77310000",), **FAR), CATALOGUE, POLICY)
    based = _supplier("b", ("77310000",), priority_place="Blackbird Leys", in_area=True, **FAR)
    result = score_supplier(GROUNDS, based, CATALOGUE, POLICY)
    assert plain is not None and result is not None and plain.place < 0.85
    assert result.place == pytest.approx(plain.place + 0.10 + 0.05)
    assert result.score > plain.score
    assert "Based in a priority place (Blackbird Leys): +0.10 to place" in result.reasons
    assert "Based in the partnership's area: +0.05 to place" in result.reasons
    assert not any(r.startswith("Based in") for r in plain.reasons)


def test_the_place_bonuses_are_capped_at_full_credit_and_say_what_they_added():
    policy = dataclasses.replace(POLICY, priority_place_bonus=0.3, in_area_bonus=0.3)
    near_edge = _supplier("n", ("77310000",), priority_place="Barton", in_area=True, **FAR)
    plain = score_supplier(
        GROUNDS,
        dataclasses.replace(near_edge, priority_place=None, in_area=False),
        CATALOGUE,
        policy,
    )
    result = score_supplier(GROUNDS, near_edge, CATALOGUE, policy)
    assert plain is not None and result is not None and result.place == 1.0
    added = 1.0 - plain.place - 0.3
    assert f"Based in the partnership's area: +{added:.2f} to place" in result.reasons
    local = score_supplier(GROUNDS, _supplier("l", ("77310000",), in_area=True), CATALOGUE, policy)
    assert local is not None and local.place == 1.0
    assert "Based in the partnership's area: place already counted in full" in local.reasons


def test_a_supplier_whose_place_is_unknown_earns_no_place_bonus():
    unknown = _supplier(
        "u", ("77310000",), easting=None, northing=None, priority_place="Barton", in_area=True
    )
    result = score_supplier(GROUNDS, unknown, CATALOGUE, POLICY)
    assert result is not None and result.place == 0.0
    assert not any(r.startswith("Based in") for r in result.reasons)
    scores = score_suppliers(GROUNDS, SupplierPool([unknown], CATALOGUE), POLICY)
    assert scores.place[0] == 0.0


def test_place_bonuses_staff_set_to_zero_add_nothing_and_are_not_mentioned():
    policy = dataclasses.replace(POLICY, priority_place_bonus=0, in_area_bonus=0)
    based = _supplier("b", ("77310000",), priority_place="Barton", in_area=True, **FAR)
    plain = _supplier("p", ("77310000",), **FAR)
    result = score_supplier(GROUNDS, based, CATALOGUE, policy)
    expected = score_supplier(GROUNDS, plain, CATALOGUE, policy)
    assert result is not None and expected is not None and result.place == expected.place
    assert not any(r.startswith("Based in") for r in result.reasons)


@pytest.mark.parametrize("name", ["priority_place_bonus", "in_area_bonus"])
def test_a_place_bonus_above_one_is_refused(name):
    with pytest.raises(ValueError, match=name):
        SupplierPolicy(**{name: 1.5})
