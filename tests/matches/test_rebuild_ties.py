"""A rebuild's running best N per offer breaks ties as best() does: of equal scores the older
seeker stays (the stored ranks must equal what a save, which merges with best()'s rule, keeps)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from brokerage.matches import store
from brokerage.matches.scene import SIDES, best
from brokerage.matching.array_rules import Scores


def _tied_scene(n_seekers: int, score: float) -> SimpleNamespace:
    """One offer, `n_seekers` seekers, each scoring `score` with it (the last a hair above
    after rounding noise: the same score as best() compares them)."""

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
        seeker_scores=seeker_scores,
    )


def test_an_offers_kept_seekers_of_equal_score_are_the_oldest_as_best_ranks_them():
    n_seekers = store.TOP_N + 3  # tests may rank fewer than production's TOP_N
    scene = _tied_scene(n_seekers, 0.5)
    ranked = store._rank_side(scene, SIDES[1], lambda done: None)  # type: ignore[arg-type]
    kept = sorted(int(s) for s, r in zip(ranked.seekers, ranked.offer_rank, strict=True) if r)
    totals = np.array([scene.seeker_scores(None, s).total[0] for s in range(n_seekers)])
    assert kept == sorted(best(totals)) == list(range(store.TOP_N))
