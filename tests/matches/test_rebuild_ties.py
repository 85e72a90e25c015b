"""A rebuild's running best N per offer breaks ties as best() does: of equal scores the older
seeker stays (the stored ranks must equal what a save, which merges with best()'s rule, keeps),
whether one process scores every seeker or workers score ranges of them, merged after."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from brokerage.matches import scene as scenes
from brokerage.matches import store
from brokerage.matches.rebuilding import RunningBest
from brokerage.matches.scene import SIDES, best
from brokerage.matching.array_rules import Scores


def _tied_scene(n_seekers: int, score: float) -> SimpleNamespace:
    """One offer, `n_seekers` seekers of each side, each scoring `score` with it (the last a
    hair above after rounding noise: the same score as best() compares them)."""

    def seeker_scores(side: object, seeker: int) -> Scores:
        total = np.array([score + (1e-12 if seeker == n_seekers - 1 else 0.0)])
        return Scores(
            included=np.array([True]),
            distance_m=np.array([100.0]),
            location=np.array([1.0]),
            toms=np.array([0.5]),
            fit=np.array([0.2]),
            total=total,
        )

    return SimpleNamespace(
        seekers=lambda side: ([None] * n_seekers, None),
        offers=[None],
        pool=None,
        seeker_scores=seeker_scores,
        reasons=lambda *pair: ["Close by."],
    )


@pytest.mark.parametrize("processes", [1, 2])
def test_an_offers_kept_seekers_of_equal_score_are_the_oldest_as_best_ranks_them(processes):
    n_seekers = store.TOP_N + 3  # tests may rank fewer than production's TOP_N
    scene = _tied_scene(n_seekers, 0.5)
    sides = store._ranked_sides(scene, lambda done: None, processes)  # type: ignore[arg-type]
    ranked = {side: pairs for side, pairs, _ in sides}[SIDES[1]]
    kept = sorted(int(s) for s, r in zip(ranked.seekers, ranked.offer_rank, strict=True) if r)
    totals = np.array([scene.seeker_scores(None, s).total[0] for s in range(n_seekers)])
    assert kept == sorted(best(totals)) == list(range(store.TOP_N))


def _one_pass(totals: np.ndarray, seekers: range) -> RunningBest:
    """`seekers` (rows of `totals`, oldest first) offered to a running best N of its columns,
    each pair's parts its total and its seeker."""
    kept = RunningBest(totals.shape[1], 2)
    for seeker in seekers:

        def parts(rows: np.ndarray, seeker: int = seeker) -> np.ndarray:
            return np.stack([totals[seeker, rows], np.full(len(rows), float(seeker))], axis=-1)

        kept.offer(seeker, totals[seeker], parts)
    return kept


def _kept(kept: RunningBest) -> list[tuple[int, int, float, float]]:
    rows, seekers, parts = kept.kept()
    return sorted(zip(rows.tolist(), seekers.tolist(), *parts.T.tolist(), strict=True))


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(1, 12), st.integers(1, 4)),
        # Few distinct scores, so ties abound; -inf: a pair not to be kept.
        elements=st.sampled_from([-np.inf, 0.25, 0.5, 0.5 + 1e-12, 0.75]),
    ),
    st.lists(st.integers(0, 12), max_size=4),
)
def test_running_best_n_built_in_ranges_and_merged_keeps_what_one_pass_and_best_keep(totals, cuts):
    n_seekers = totals.shape[0]
    edges = sorted({0, n_seekers, *(cut for cut in cuts if cut < n_seekers)})
    ranges = [range(a, b) for a, b in zip(edges, edges[1:], strict=False)]
    merged = _one_pass(totals, ranges[0])
    for seekers in ranges[1:]:
        merged.merge(_one_pass(totals, seekers))
    assert _kept(merged) == _kept(_one_pass(totals, range(n_seekers)))
    by_column = {
        (column, seeker)
        for column in range(totals.shape[1])
        for seeker in best(totals[:, column], scenes.TOP_N)
    }
    assert {(row, seeker) for row, seeker, *_ in _kept(merged)} == by_column
