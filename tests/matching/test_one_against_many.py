"""One candidate against many queries (`queries.score_against`) gives each query what
`score_all` gives it against that candidate alone, with the full pool's word weights: the
per-query loop a saved offer's recompute used to run."""

from __future__ import annotations

import dataclasses
from datetime import date
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from brokerage.matching import Candidate, CandidatePool, MatchingPolicy, Wanted, WantedMeasure
from brokerage.matching.engine import ProbePool, score_all
from brokerage.matching.queries import QueryPool, look_up_similar_words, score_against
from brokerage.matching.reference import score_pair
from tests.matching.strategies import CATALOGUE, candidate, candidate_lists, texts, wanted

PARTS = ("distance_m", "location", "toms", "fit", "total")
# The defaults, and a policy that moves every number a rule reads.
POLICIES = (
    MatchingPolicy(),
    MatchingPolicy(
        local_km=2.0,
        half_life_km=4.0,
        priority_place_boost=0.3,
        same_outcome_credit=0.6,
        same_theme_credit=0.1,
        wordless_measure_share=0.2,
        confirming_fit=0.4,
        same_help_fit=0.9,
        full_cover_share=0.5,
        sent_help_location_floor=0.7,
        category_share=0.6,
        word_similarity_cutoff=0.6,
        location_weight=1.0,
        toms_weight=2.0,
        fit_weight=3.0,
    ),
)


def assert_scored_as_one_by_one(
    queries: list[Wanted], candidates: list[Candidate], policy: MatchingPolicy
) -> None:
    """Every candidate against every query: each part as `score_all` gives it for that
    query against a probe of the candidate in the pool of all of them; and, since the two
    share their array rules, whether the pair is kept and its total as the per-pair
    reference gives them."""
    pool = CandidatePool(candidates, CATALOGUE)
    many = QueryPool(queries, CATALOGUE)
    for item in candidates:
        scores = score_against(item, many, pool.word_weight, policy)
        probe = ProbePool([item], pool)
        for row, query in enumerate(queries):
            expected = score_all(query, probe, policy)
            assert bool(scores.included[row]) == bool(expected.included[0]), (row, query, item)
            for part in PARTS:
                got, want = getattr(scores, part)[row], getattr(expected, part)[0]
                assert got == pytest.approx(want, abs=1e-9), (part, row, query, item)
            reference = score_pair(query, item, CATALOGUE, policy, pool.word_weight)
            assert bool(scores.included[row]) == (reference is not None), (row, query, item)
            if reference is not None:
                assert scores.total[row] == pytest.approx(reference.score, abs=1e-9)


@st.composite
def titled_wanted(draw: st.DrawFn) -> Wanted:
    """A query whose text is a title line and a description (title words count double)."""
    query = draw(wanted())
    return dataclasses.replace(query, text=f"{draw(texts)}\n{draw(texts)}")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(wanted() | titled_wanted(), min_size=1, max_size=10),
    candidate_lists(max_size=8),
    st.sampled_from(POLICIES),
)
def test_one_candidate_against_many_queries_scores_each_query_as_score_all_does(
    queries, candidates, policy
):
    assert_scored_as_one_by_one(queries, candidates, policy)


@settings(max_examples=50, deadline=None)
@given(st.lists(wanted(), min_size=1, max_size=6), candidate(), st.sampled_from(POLICIES))
def test_a_candidate_scored_against_a_pool_it_is_not_in_uses_that_pools_word_weights(
    queries, item, policy
):
    pool = CandidatePool([dataclasses.replace(item, text="reading volunteers schools")], CATALOGUE)
    scores = score_against(item, QueryPool(queries, CATALOGUE), pool.word_weight, policy)
    probe = ProbePool([item], pool)
    for row, query in enumerate(queries):
        expected = score_all(query, probe, policy)
        assert scores.fit[row] == pytest.approx(expected.fit[0], abs=1e-9)
        assert scores.total[row] == pytest.approx(expected.total[0], abs=1e-9)


HERE = (450_000.0, 206_000.0)  # Oxford
NEAR = (452_000.0, 207_000.0)  # about 2.2 km away
FAR = (480_000.0, 240_000.0)  # about 45 km away
SPRING = (date(2025, 3, 1), date(2025, 5, 31))
WINTER = (date(2025, 11, 1), date(2026, 1, 31))


def _queries() -> list[Wanted]:
    """A query for each rule: typos, word families, synonyms, titles, categories, dates,
    reach, priority places, help that can be sent, measures with and without targets,
    unknown codes, and queries with no words, no measures or nothing at all."""
    base = Wanted(*HERE)
    reading = (WantedMeasure("OIEP-S1", 20, 2.0), WantedMeasure("OIEP-J1", None, 1.0))
    return [
        base,
        dataclasses.replace(base, text="reading volunteers for schools"),
        dataclasses.replace(base, text="readng volunteres"),
        dataclasses.replace(base, text="Volunteering\nchildren reading at schools in oxford"),
        dataclasses.replace(base, text="literacy support for children"),
        dataclasses.replace(base, text="laptops"),
        dataclasses.replace(base, text="hearing children read", category="education"),
        dataclasses.replace(base, text="catering events", category="Catering"),
        dataclasses.replace(base, text="read ready county"),
        dataclasses.replace(base, measures=reading),
        dataclasses.replace(base, measures=reading, text="reading helpers"),
        dataclasses.replace(base, measures=(WantedMeasure("OIEP-S2", 4),)),
        dataclasses.replace(base, measures=(WantedMeasure("OIEP-S7", 0.0001),)),
        dataclasses.replace(base, measures=(WantedMeasure("OIEP-J4", 0),)),
        dataclasses.replace(base, measures=(WantedMeasure("UNKNOWN-1", 3),)),
        dataclasses.replace(
            base, measures=(WantedMeasure("OIEP-S2", 4), WantedMeasure("UNKNOWN-1", 3))
        ),
        dataclasses.replace(base, measures=(WantedMeasure("OIEP-J2", 5, weight=0.0),)),
        dataclasses.replace(base, text="mentoring", start=SPRING[0], end=SPRING[1]),
        dataclasses.replace(base, text="mentoring", start=WINTER[0]),
        dataclasses.replace(base, text="mentoring", end=SPRING[0]),
        dataclasses.replace(base, text="mentoring", max_distance_m=5_000),
        dataclasses.replace(base, text="mentoring", in_priority_place=True),
        dataclasses.replace(base, text="mentoring", can_be_sent=True),
        dataclasses.replace(base, easting=FAR[0], northing=FAR[1], text="mentoring"),
        dataclasses.replace(
            base, text="donations", can_be_sent=True, max_distance_m=3_000, category="cleaning"
        ),
    ]


def _candidates() -> list[Candidate]:
    """Candidates that each rule tells apart."""
    base = Candidate(0, *NEAR)
    texts_and_measures = [
        ("reading volunteers", {"OIEP-S1": 30.0}),
        ("reading helpers for schools", {"OIEP-S1": 1.0, "OIEP-S2": None}),
        ("computers and tablets", {"OIEP-S7": 500.0}),
        ("literacy support", {"OIEP-S6": 10.0}),
        ("volunteering mentors", {"OIEP-J2": 3.0}),
        ("ready to read", {}),
        ("catering for events", {"OIEP-J4": 2.0}),
        ("", {"UNKNOWN-1": 5.0, "OIEP-J1": 0.0}),
    ]
    made = [
        dataclasses.replace(base, key=i, text=text, measures=measures)
        for i, (text, measures) in enumerate(texts_and_measures)
    ]
    mentor = dataclasses.replace(base, text="mentoring young people")
    variations = [
        dataclasses.replace(mentor, category="catering"),
        dataclasses.replace(mentor, category="EDUCATION"),
        dataclasses.replace(mentor, start=SPRING[0], end=SPRING[1]),
        dataclasses.replace(mentor, start=WINTER[1]),
        dataclasses.replace(mentor, service_radius_m=1_000),
        dataclasses.replace(mentor, easting=FAR[0], northing=FAR[1]),
        dataclasses.replace(mentor, easting=FAR[0], northing=FAR[1], remote=True),
        dataclasses.replace(mentor, in_priority_place=True),
        dataclasses.replace(mentor, closed=True),
        dataclasses.replace(mentor, easting=HERE[0], northing=HERE[1]),
    ]
    return made + [
        dataclasses.replace(item, key=len(made) + i) for i, item in enumerate(variations)
    ]


@pytest.mark.parametrize("policy", POLICIES, ids=["default policy", "every number moved"])
def test_each_matching_rule_scores_one_against_many_as_one_by_one(policy):
    assert_scored_as_one_by_one(_queries(), _candidates(), policy)


def test_the_rules_tell_the_candidates_apart():
    """The hand-made queries and candidates exercise each rule: excluded pairs and included
    ones, typos and synonyms found, categories blended, measures credited in part."""
    pool = CandidatePool(_candidates(), CATALOGUE)
    many = QueryPool(_queries(), CATALOGUE)
    scores = [
        score_against(item, many, pool.word_weight, MatchingPolicy()) for item in pool.candidates
    ]
    included = np.array([s.included for s in scores])
    assert included.any() and not included.all()
    fits = np.array([s.fit for s in scores])
    toms = np.array([s.toms for s in scores])
    assert 0 < fits[0, 2] < 1  # "readng volunteres" finds reading volunteers by typo
    assert fits[2, 5] > 0  # "laptops" finds computers and tablets by synonym
    assert 0 < toms[1, 9] < 1  # a reading helper against 20 wanted: part of the target
    assert len({round(float(t), 6) for t in toms[:, 9]}) > 3


@settings(max_examples=60, deadline=None)
@given(candidate_lists(), st.lists(wanted(), min_size=1, max_size=4))
def test_a_pool_finds_a_words_typos_once_and_scores_as_a_pool_that_kept_nothing(
    candidates, queries
):
    """A pool keeps each query word's similar words (a rebuild's queries repeat their
    words): scoring the queries again looks up no word again, and every score is what a
    new pool gives."""
    pool = CandidatePool(candidates, CATALOGUE)
    policy = MatchingPolicy()
    with patch.object(pool.typos, "similar", wraps=pool.typos.similar) as similar:
        for query in queries:
            score_all(query, pool, policy)
        looked_up = similar.call_count
        again = [score_all(query, pool, policy) for query in queries]
    assert similar.call_count == looked_up
    for query, scores in zip(queries, again, strict=True):
        fresh = score_all(query, CandidatePool(candidates, CATALOGUE), policy)
        for part in PARTS:
            np.testing.assert_array_equal(getattr(scores, part), getattr(fresh, part))


@settings(max_examples=60, deadline=None)
@given(candidate_lists(), st.lists(wanted(), min_size=1, max_size=4), st.sampled_from(POLICIES))
def test_candidates_words_looked_up_together_score_as_words_looked_up_one_by_one(
    candidates, queries, policy
):
    """A save rescoring many offers finds their words' typos in one pass per word length:
    scoring the offers after looks up no word again, and scores as looking up word by word."""
    pool = CandidatePool(candidates, CATALOGUE)
    together = QueryPool(queries, CATALOGUE)
    look_up_similar_words(candidates, together, policy)
    with patch.object(together.typos, "similar", wraps=together.typos.similar) as similar:
        got = [score_against(item, together, pool.word_weight, policy) for item in candidates]
    assert similar.call_count == 0
    one_by_one = QueryPool(queries, CATALOGUE)
    for item, scores in zip(candidates, got, strict=True):
        want = score_against(item, one_by_one, pool.word_weight, policy)
        for part in ("included", *PARTS):
            np.testing.assert_array_equal(getattr(scores, part), getattr(want, part), part)


def assert_scores_as_built_afresh(
    updated: QueryPool, queries: list[Wanted], candidates: list[Candidate]
) -> None:
    """Every candidate scores against `updated` to the last bit as against a pool of
    `queries` built afresh, under each policy."""
    pool = CandidatePool(candidates, CATALOGUE)
    fresh = QueryPool(queries, CATALOGUE)
    assert updated.queries == fresh.queries
    for policy in POLICIES:
        for item in candidates:
            got = score_against(item, updated, pool.word_weight, policy)
            want = score_against(item, fresh, pool.word_weight, policy)
            for part in ("included", *PARTS):
                np.testing.assert_array_equal(getattr(got, part), getattr(want, part), part)


@st.composite
def changed_queries(draw: st.DrawFn) -> tuple[list[Wanted], list[Wanted]]:
    """Queries, and the same after some left, others came and the order changed (as many
    came as stayed, at most)."""
    before = draw(st.lists(wanted() | titled_wanted(), min_size=2, max_size=10))
    stayed = [query for query in before if draw(st.integers(0, 3))]
    came = draw(st.lists(wanted() | titled_wanted(), max_size=max(1, len(stayed))))
    return before, draw(st.permutations(stayed + came))


@settings(max_examples=100, deadline=None)
@given(changed_queries(), candidate_lists(max_size=6))
def test_a_query_pool_updated_with_changed_queries_scores_as_one_built_afresh(changed, candidates):
    before, after = changed
    assert_scores_as_built_afresh(QueryPool(before, CATALOGUE).updated(after), after, candidates)


@settings(max_examples=60, deadline=None)
@given(changed_queries(), candidate_lists(max_size=6))
def test_a_query_pool_finds_a_candidate_words_typos_once_and_updated_scores_as_built_afresh(
    changed, candidates
):
    """A query pool keeps each candidate word's similar words (a save scores many offers
    with the same words against every seeker): scoring the candidates again looks up no
    word again, and the pool updated afterwards still scores as one built afresh."""
    before, after = changed
    pool, weights = QueryPool(before, CATALOGUE), CandidatePool(candidates, CATALOGUE)
    policy = MatchingPolicy()
    with patch.object(pool.typos, "similar", wraps=pool.typos.similar) as similar:
        for item in candidates:
            score_against(item, pool, weights.word_weight, policy)
        looked_up = similar.call_count
        for item in candidates:
            score_against(item, pool, weights.word_weight, policy)
    assert similar.call_count == looked_up
    assert_scores_as_built_afresh(pool.updated(after), after, candidates)


def test_updating_a_query_pool_reads_only_the_queries_that_changed(monkeypatch):
    before = _queries()
    pool = QueryPool(before, CATALOGUE)
    saved = dataclasses.replace(before[2], text="Laptops for a literacy support club")
    after = [*before[:2], saved, *before[4:]]
    read: list[int] = []
    build = QueryPool.__init__

    def counted(self: QueryPool, queries, catalogue) -> None:
        read.append(len(queries))
        build(self, queries, catalogue)

    monkeypatch.setattr(QueryPool, "__init__", counted)
    updated = pool.updated(after)
    assert read == [1]
    monkeypatch.undo()
    assert_scores_as_built_afresh(updated, after, _candidates())
