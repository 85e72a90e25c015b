"""One offer against every seeker: `python -m bench.offer_side [--offers 10000] [--seekers 6000]`.

What a saved offer's recompute scores: the offer against every published need and
opportunity. Times, in one run, the per-query loop it used to run (one `score_all` per
seeker against a probe of the offer with the full pool's word weights) and
`queries.score_against` (one pass over a `QueryPool` of the seekers, built once per
recompute, its building timed apart), on the synthetic county of `bench.county`; prints
wall-clock and CPU medians, the ratio, and the largest difference between the two
directions' totals. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from bench.county import candidates, catalogue, queries
from brokerage.matching import CandidatePool, MatchingPolicy
from brokerage.matching.engine import ProbePool, score_all
from brokerage.matching.queries import QueryPool, score_against

Result = TypeVar("Result")


def _timed(work: Callable[[], Result]) -> tuple[Result, float, float]:
    """The result, wall-clock seconds and CPU seconds of `work`."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=10_000, help="offers in the full pool")
    parser.add_argument("--seekers", type=int, default=6_000, help="needs and opportunities")
    parser.add_argument("--samples", type=int, default=3, help="offers timed each way")
    arguments = parser.parse_args()
    policy = MatchingPolicy()
    pool = CandidatePool(candidates(arguments.offers), catalogue())
    wanted = queries(arguments.seekers, seed=3)
    many, build_wall, build_cpu = _timed(lambda: QueryPool(wanted, pool.catalogue))
    step = max(1, len(pool) // arguments.samples)
    sample = [pool.candidates[i] for i in range(0, len(pool), step)][: arguments.samples]
    # The first call also weighs the seekers' words by the pool's rarity, once per recompute.
    _, first_wall, first_cpu = _timed(
        lambda: score_against(sample[0], many, pool.word_weight, policy)
    )
    old, new, worst = [], [], 0.0
    for offer in sample:
        probe = ProbePool([offer], pool)
        loop, wall, cpu = _timed(
            lambda probe=probe: np.array([score_all(q, probe, policy).total[0] for q in wanted])
        )
        old.append((wall, cpu))
        scores, wall, cpu = _timed(
            lambda offer=offer: score_against(offer, many, pool.word_weight, policy)
        )
        new.append((wall, cpu))
        worst = max(worst, float(np.max(np.abs(scores.total - loop))))
    old_wall, old_cpu = (statistics.median(t) for t in zip(*old, strict=True))
    new_wall, new_cpu = (statistics.median(t) for t in zip(*new, strict=True))
    print(
        f"one offer against {len(wanted):,} seekers ({len(pool):,} offers in the pool, "
        f"median of {len(sample)}):"
    )
    print(
        f"  per-query loop (score_all each): {old_wall * 1000:8.1f} ms ({old_cpu * 1000:.1f} CPU)"
    )
    print(
        f"  score_against, one pass:          {new_wall * 1000:8.1f} ms ({new_cpu * 1000:.1f} CPU)"
    )
    print(f"  ratio: {old_wall / new_wall:.0f}x wall, {old_cpu / max(new_cpu, 1e-9):.0f}x CPU")
    print(
        f"  QueryPool of the seekers built once: {build_wall * 1000:.1f} ms "
        f"({build_cpu * 1000:.1f} CPU); first pass with the words' weighing "
        f"{first_wall * 1000:.1f} ms ({first_cpu * 1000:.1f} CPU)"
    )
    print(f"  largest difference in a total: {worst:.1e}")


if __name__ == "__main__":
    main()
