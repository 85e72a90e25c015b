"""Properties of the matching core that hold for every input hypothesis can think of."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from brokerage.matching import CandidatePool, MatchingPolicy, rank, score_all, score_pair
from brokerage.matching.reference import explain_scored, word_matches
from brokerage.matching.text import fit_words, may_be_typo, synonym_cover
from tests.matching.strategies import (
    CATALOGUE,
    candidate,
    candidate_lists,
    fit_word_lists,
    texts,
    wanted,
)

POLICY = MatchingPolicy()


@settings(max_examples=150, deadline=None)
@given(wanted(), candidate_lists())
def test_the_vectorised_scorer_agrees_with_the_per_pair_reference(query, candidates):
    pool = CandidatePool(candidates, CATALOGUE)
    scores = score_all(query, pool, POLICY)
    for row, item in enumerate(candidates):
        expected = score_pair(query, item, CATALOGUE, POLICY, pool.word_weight)
        assert bool(scores.included[row]) == (expected is not None)
        if expected is not None:
            assert scores.total[row] == pytest.approx(expected.score, abs=1e-9)
            assert scores.location[row] == pytest.approx(expected.location, abs=1e-9)
            assert scores.toms[row] == pytest.approx(expected.toms, abs=1e-9)
            assert scores.fit[row] == pytest.approx(expected.fit, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(wanted(), candidate_lists())
def test_every_score_and_component_is_between_zero_and_one(query, candidates):
    for result in rank(query, CandidatePool(candidates, CATALOGUE), POLICY, top_n=len(candidates)):
        for value in (result.score, result.location, result.toms, result.fit):
            assert 0.0 <= value <= 1.0


@settings(max_examples=100, deadline=None)
@given(wanted(), candidate(), st.floats(min_value=1.0, max_value=3.0))
def test_moving_a_candidate_further_away_never_raises_its_location_score(query, item, stretch):
    query = dataclasses.replace(query, max_distance_m=None)
    item = dataclasses.replace(item, service_radius_m=None)
    further = dataclasses.replace(
        item,
        easting=query.easting + (item.easting - query.easting) * stretch,
        northing=query.northing + (item.northing - query.northing) * stretch,
    )
    near = score_pair(query, item, CATALOGUE, POLICY)
    far = score_pair(query, further, CATALOGUE, POLICY)
    if near and far:
        assert far.distance_m >= near.distance_m - 1e-6
        assert far.location <= near.location + 1e-12


@settings(max_examples=100, deadline=None)
@given(wanted(), candidate(), st.floats(min_value=0.1, max_value=500))
def test_offering_a_wanted_measure_never_lowers_the_toms_score(query, item, quantity):
    for wanted_measure in query.measures:
        before = score_pair(query, item, CATALOGUE, POLICY)
        more = dict(item.measures)
        more[wanted_measure.code] = max(quantity, more.get(wanted_measure.code) or 0)
        after = score_pair(query, dataclasses.replace(item, measures=more), CATALOGUE, POLICY)
        if before and after:
            assert after.toms >= before.toms - 1e-12


@settings(max_examples=100, deadline=None)
@given(wanted(), candidate())
def test_identical_text_fits_at_least_as_well_as_any_other_text(query, item):
    same = dataclasses.replace(item, text=query.text, category=None)
    other = dataclasses.replace(item, category=None)
    pool = CandidatePool([same, dataclasses.replace(other, key=1)], CATALOGUE)
    scores = score_all(dataclasses.replace(query, category=None), pool, POLICY)
    assert scores.fit[0] >= scores.fit[1] - 1e-12


@settings(max_examples=50, deadline=None)
@given(wanted(), candidate_lists())
def test_the_same_input_always_gives_the_same_ranking(query, candidates):
    pool = CandidatePool(candidates, CATALOGUE)
    first = [r.key for r in rank(query, pool, POLICY, top_n=20)]
    again = [
        r.key for r in rank(query, CandidatePool(list(candidates), CATALOGUE), POLICY, top_n=20)
    ]
    assert first == again


@settings(max_examples=100, deadline=None)
@given(wanted(), candidate_lists(max_size=20), st.integers(min_value=1, max_value=8))
def test_rank_returns_the_reference_best_first_with_ties_in_pool_order(query, candidates, top_n):
    pool = CandidatePool(candidates, CATALOGUE)
    expected = [
        (result.score, result.key)
        for item in candidates
        if (result := score_pair(query, item, CATALOGUE, POLICY, pool.word_weight)) is not None
    ]
    expected.sort(key=lambda pair: (-round(pair[0], 9), pair[1]))
    ranked = rank(query, pool, POLICY, top_n=top_n)
    assert [r.key for r in ranked] == [key for _, key in expected[:top_n]]


@settings(max_examples=150, deadline=None)
@given(wanted(), candidate())
def test_a_pair_explained_from_its_distance_and_fit_gives_the_reference_reasons(query, item):
    """Stored pairs keep only their distance and fit; the core explains them again as the
    reference scorer explained them when it scored them (with even word weights)."""
    policy = MatchingPolicy()
    result = score_pair(query, item, CATALOGUE, policy)
    assume(result is not None)
    assert result is not None
    explained = explain_scored(query, item, CATALOGUE, policy, result.distance_m, result.fit)
    assert explained == result.reasons


@settings(max_examples=100, deadline=None)
@given(wanted(), candidate())
def test_every_reason_a_pair_is_given_starts_with_a_capital(query, item):
    """Pages list each reason as an item and the API hands them on as sentences."""
    result = score_pair(query, item, CATALOGUE, POLICY)
    assume(result is not None)
    assert result is not None
    assert [reason for reason in result.reasons if reason[:1].islower()] == []


def _word_matches_plainly(
    query: tuple[str, ...], candidate: tuple[str, ...], cutoff: float
) -> list[tuple[str, str | None, float]]:
    """reference.word_matches written as its rule reads: every query word against every
    candidate word, the first most similar kept."""
    cover = synonym_cover(query)
    matches = []
    for word in query:
        best_word, best = None, 0.0
        for other in candidate:
            if word == other:
                similarity = 100.0
            elif may_be_typo(word, other):
                similarity = fuzz.ratio(word, other)
            else:
                continue
            if similarity >= cutoff * 100 and similarity > best:
                best_word, best = other, similarity
        named = [t for t, spelt in cover.items() if word in spelt and t in candidate]
        if best < 100 and named:
            best_word, best = named[0], 100.0
        matches.append((word, best_word, best / 100))
    return matches


@settings(max_examples=400, deadline=None)
@given(
    fit_word_lists | texts.map(fit_words),
    fit_word_lists | texts.map(fit_words),
    st.sampled_from([0.0, 0.5, 0.8, MatchingPolicy().word_similarity_cutoff, 1.0])
    | st.floats(min_value=0, max_value=1.2),
)
# Equally similar words of other lengths: the first in the candidate's order wins.
@example(("abcdefg",), ("abcdxxxxx", "abcxx"), 0.5)
def test_word_matches_finds_what_comparing_every_pair_of_words_finds(query, other, cutoff):
    """The indexed word matching gives each query word the same most similar word (the
    first of equals, in the candidate's order) and similarity as comparing all pairs."""
    assert word_matches(query, other, cutoff) == _word_matches_plainly(query, other, cutoff)


@settings(max_examples=150, deadline=None)
@given(wanted(), candidate_lists(), st.sampled_from([0.5, POLICY.word_similarity_cutoff, 1.0]))
def test_a_pools_word_matching_finds_what_the_reference_finds(query, candidates, cutoff):
    """A rebuild explains its pairs with the similar words its pool already found for each
    query word: the same word in common (the first of equals, in the candidate's order)
    and similarity as the reference's own search, for every candidate."""
    policy = dataclasses.replace(POLICY, word_similarity_cutoff=cutoff)
    pool = CandidatePool(candidates, CATALOGUE)
    found_by_pool = pool.most_similar(policy)
    words = fit_words(query.text)
    for item in candidates:
        own = fit_words(item.text)
        assert word_matches(words, own, cutoff, found_by_pool) == word_matches(words, own, cutoff)
