"""Matching benchmark: `python -m bench.matching [--sizes 5000,50000,500000]`.

For each pool size, in a fresh process so peak memory is that size's own: one query
against every candidate (median and p95 ms), the per-pair reference loop over the same
candidates in the same run (and the ratio), a full rebuild of stored matches for 1,000
opportunities and 5,000 needs (seconds), and peak memory. Figures are printed; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

from bench.county import candidates, catalogue, queries
from brokerage.matching import CandidatePool, MatchingPolicy, rank, score_pair
from tests.matching.labelled import QUERIES, evaluate

REBUILD_QUERIES = 1_000 + 5_000
TOP_N = 10


def _ms(seconds: float) -> float:
    return seconds * 1000


def measure(size: int, reference_queries: int, rebuild: bool) -> dict[str, float]:
    policy = MatchingPolicy()
    started = time.perf_counter()
    pool = CandidatePool(candidates(size), catalogue())
    build_s = time.perf_counter() - started
    sample = queries(60)
    rank(sample[0], pool, policy, TOP_N)  # warm rapidfuzz's thread pool
    times = []
    for query in sample:
        started = time.perf_counter()
        rank(query, pool, policy, TOP_N)
        times.append(time.perf_counter() - started)
    times.sort()
    reference_times = []
    for query in sample[:reference_queries]:
        started = time.perf_counter()
        scored = [
            score_pair(query, c, pool.catalogue, policy, pool.word_weight) for c in pool.candidates
        ]
        sorted((r for r in scored if r), key=lambda r: -r.score)[:TOP_N]
        reference_times.append(time.perf_counter() - started)
    figures = {
        "size": size,
        "pool_build_s": build_s,
        "median_ms": _ms(statistics.median(times)),
        "p95_ms": _ms(times[int(len(times) * 0.95) - 1]),
        "reference_ms": _ms(statistics.median(reference_times))
        if reference_times
        else float("nan"),
    }
    figures["speed_ratio"] = figures["reference_ms"] / figures["median_ms"]
    if rebuild:
        started = time.perf_counter()
        for query in queries(REBUILD_QUERIES, seed=3):
            rank(query, pool, policy, TOP_N)
        figures["rebuild_s"] = time.perf_counter() - started
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,50000,500000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-up-to", type=int, default=50_000)
    args = parser.parse_args()
    if args.one:
        reference_queries = 3 if args.one <= 50_000 else 1
        rebuild = args.one <= args.rebuild_up_to
        print(json.dumps(measure(args.one, reference_queries, rebuild)))
        return
    print(
        f"{'candidates':>10} {'median ms':>10} {'p95 ms':>8} {'reference ms':>13} {'ratio':>7} "
        f"{'rebuild s':>10} {'peak MiB':>9} {'pool build s':>13}"
    )
    previous = None
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(  # noqa: S603  (our own interpreter and module)
            [
                sys.executable,
                "-m",
                "bench.matching",
                "--one",
                str(size),
                "--rebuild-up-to",
                str(args.rebuild_up_to),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        f = json.loads(out.stdout)
        rebuild = f"{f['rebuild_s']:.1f}" if "rebuild_s" in f else "skipped"
        print(
            f"{size:>10,} {f['median_ms']:>10.1f} {f['p95_ms']:>8.1f} {f['reference_ms']:>13.0f} "
            f"{f['speed_ratio']:>6.0f}x {rebuild:>10} {f['peak_mib']:>9.0f} "
            f"{f['pool_build_s']:>13.1f}"
        )
        if previous:
            growth = (f["median_ms"] / previous["median_ms"]) / (size / previous["size"])
            print(f"{'':>10} cost growth vs size: {growth:.2f} (1.00 = linear)")
        previous = f
    print(
        f"rebuild = top {TOP_N} for {REBUILD_QUERIES:,} queries (1,000 opportunities + 5,000 needs)"
    )
    quality = evaluate()
    print(
        f"labelled set ({len(QUERIES)} queries): precision at 5 {quality.precision_at_5:.2f}, "
        f"nDCG at 10 {quality.ndcg_at_10:.2f}"
    )


if __name__ == "__main__":
    main()
