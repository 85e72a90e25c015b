"""Matching benchmark: `python -m bench.matching [--sizes 5000,50000,500000]`.

For each pool size, in a fresh process so peak memory is that size's own: one query
against every candidate (median and p95 ms), the per-pair reference loop over the same
candidates in the same run (and the ratio), one opportunity against as many suppliers
(bench.suppliers; median ms, and the ratio to the per-pair reference), the stored rebuild
as `flask match rebuild` runs it: offer-level pairs for 1,000 opportunities and 5,000
needs, and the full rebuild, which adds supplier-level pairs for the 1,000 opportunities
and as many suppliers as candidates (seconds, wall-clock and CPU, the worker processes'
too: `--processes`, by default one per core), and peak memory (this process's by phase, and
the largest worker's); then the quality on the labelled county, per kind, through the JSON
API. Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import cast

import numpy as np
from sqlalchemy import Connection, Engine, Table, create_engine, event

from bench import cpu_seconds
from bench.county import candidates, catalogue, queries
from bench.suppliers import opportunities as synthetic_opportunities
from bench.suppliers import suppliers as synthetic_suppliers
from brokerage.bulk_rows import insert_columns
from brokerage.matches.models import Match
from brokerage.matches.policy import PolicyInForce
from brokerage.matches.scene import SIDES, Listings, Scene
from brokerage.matches.store import row_batches
from brokerage.matches.supplier_inputs import OpportunityQueries, SupplierWorld
from brokerage.matches.supplier_models import SupplierMatch
from brokerage.matches.supplier_store import SupplierScene, supplier_row_batches
from brokerage.matching import CandidatePool, MatchingPolicy, rank, score_pair
from brokerage.matching.supplier_model import SupplierPolicy
from brokerage.matching.supplier_reference import score_supplier
from brokerage.matching.suppliers import SupplierPool, rank_suppliers
from tests.matching.county import summary
from tests.matching.county.run import measure as measure_county
from tests.matching.labelled import QUERIES, evaluate

OPPORTUNITIES, NEEDS = 1_000, 5_000
REBUILD_QUERIES = OPPORTUNITIES + NEEDS
TOP_N = 10


def _ms(seconds: float) -> float:
    return seconds * 1000


def phase_peak_mib() -> float:
    """This process's peak resident memory (MiB) since the last call, which starts the next
    phase's count (Linux: VmHWM, reset through /proc/self/clear_refs); elsewhere the peak
    since the process began."""
    try:
        with open("/proc/self/status") as status:
            peak = next(line for line in status if line.startswith("VmHWM:"))
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return int(peak.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(size: int, reference_queries: int, rebuild: bool, processes: int) -> dict[str, float]:
    phase_peak_mib()
    figures = measure_queries(size, reference_queries)
    figures["peak_queries_mib"] = phase_peak_mib()
    figures.update(measure_suppliers(size, reference_queries))
    figures["peak_suppliers_mib"] = phase_peak_mib()
    if rebuild:
        policy = MatchingPolicy()
        pool = CandidatePool(candidates(size), catalogue())
        figures.update(stored_rebuild(pool, policy, processes))
        figures["peak_rebuild_mib"] = phase_peak_mib()
        figures.update(stored_supplier_rebuild(size, processes))
        figures["peak_supplier_rebuild_mib"] = phase_peak_mib()
        figures["full_rebuild_s"] = figures["rebuild_s"] + figures["supplier_rebuild_s"]
        figures["full_rebuild_cpu_s"] = figures["rebuild_cpu_s"] + figures["supplier_rebuild_cpu_s"]
    figures["peak_mib"] = max(v for k, v in figures.items() if k.startswith("peak_"))
    # The largest worker's peak resident memory, pages it shares with this process included.
    figures["worker_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return figures


def measure_queries(size: int, reference_queries: int) -> dict[str, float]:
    """One query against `size` candidates (median and p95 ms), and the per-pair reference
    over the same candidates in the same run."""
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
    return figures


def measure_suppliers(size: int, reference_queries: int) -> dict[str, float]:
    """One opportunity against `size` suppliers (median ms), and the per-pair reference
    (`score_supplier`, reasons included) over the same suppliers in the same run."""
    policy = SupplierPolicy()
    pool = SupplierPool(synthetic_suppliers(size), catalogue())
    sample = synthetic_opportunities(60)
    rank_suppliers(sample[0], pool, policy, TOP_N)
    times = []
    for query in sample:
        started = time.perf_counter()
        rank_suppliers(query, pool, policy, TOP_N)
        times.append(time.perf_counter() - started)
    reference_times = []
    for query in sample[:reference_queries]:
        started = time.perf_counter()
        scored = [score_supplier(query, s, pool.catalogue, policy) for s in pool.candidates]
        sorted((r for r in scored if r), key=lambda r: -r.score)[:TOP_N]
        reference_times.append(time.perf_counter() - started)
    median_ms = _ms(statistics.median(times))
    reference_ms = _ms(statistics.median(reference_times)) if reference_times else math.nan
    return {
        "supplier_median_ms": median_ms,
        "supplier_reference_ms": reference_ms,
        "supplier_ratio": reference_ms / median_ms,
    }


class SyntheticScene(Scene):
    """The stored rebuild's own scene, fed the synthetic county instead of the database:
    every supplier its own organisation, 1,000 opportunities and 5,000 needs."""

    def __init__(self, pool: CandidatePool, policy: MatchingPolicy) -> None:
        self.in_force = PolicyInForce(0, policy)
        self.catalogue = pool.catalogue
        self.__dict__["candidates"] = list(pool.candidates)
        self.__dict__["pool"] = pool
        self.__dict__["offers"] = _listings(len(pool), 0)
        wanted = queries(REBUILD_QUERIES, seed=3)
        self._seekers = {
            SIDES[0].model: (_listings(OPPORTUNITIES, 10**7), wanted[:OPPORTUNITIES]),
            SIDES[1].model: (_listings(NEEDS, 2 * 10**7), wanted[OPPORTUNITIES:]),
        }


def _listings(count: int, first_organisation: int) -> Listings:
    ids = np.arange(1, count + 1, dtype=np.int64)
    return Listings(
        [None] * count, ids, ids + first_organisation, {int(i): int(i) - 1 for i in ids}
    )


class SyntheticSupplierScene(SupplierScene):
    """The supplier rebuild's own scene, fed synthetic suppliers (bench.suppliers) and the
    1,000 opportunities, none of them a supplier's own."""

    def __init__(self, size: int) -> None:
        self.version = 0
        self.policy = SupplierPolicy()
        self.catalogue = catalogue()
        pool = SupplierPool(synthetic_suppliers(size), self.catalogue)
        self.__dict__["world"] = SupplierWorld(pool, {}, {})
        ids = list(range(1, OPPORTUNITIES + 1))
        self.__dict__["opportunities"] = OpportunityQueries(
            ids, [-1] * OPPORTUNITIES, synthetic_opportunities(OPPORTUNITIES)
        )


def _scratch_engine() -> Engine:
    """A scratch SQLite database with no listing tables, so foreign keys are off."""
    engine = create_engine("sqlite://")
    # Whatever the SQLite build's default (the app's own engines turn them on).
    event.listen(engine, "connect", lambda dbapi, _: dbapi.execute("PRAGMA foreign_keys=OFF"))
    return engine


def _timed_insert(
    prefix: str, table: Table, write: Callable[[Connection], int]
) -> dict[str, float]:
    """Work out the rows and stream them into `table` in bulk inserts (`write`, as the
    rebuild does); seconds (wall-clock and CPU) and pairs stored."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    with _scratch_engine().begin() as connection:
        table.create(connection)
        stored = write(connection)
    return {
        f"{prefix}_s": time.perf_counter() - started,
        # CPU seconds (workers too): what the rebuild costs when others share the cores.
        f"{prefix}_cpu_s": cpu_seconds() - cpu_started,
        f"{prefix}_pairs": stored,
    }


def stored_supplier_rebuild(size: int, processes: int) -> dict[str, float]:
    """The supplier-level part of the rebuild (supplier_store.supplier_row_batches: each
    opportunity's top N suppliers and each supplier's top N opportunities, scored and
    explained), into a scratch SQLite `supplier_matches` table; scene built inside."""
    table = cast(Table, SupplierMatch.__table__)
    return _timed_insert(
        "supplier_rebuild",
        table,
        lambda connection: insert_columns(
            connection, table, supplier_row_batches(SyntheticSupplierScene(size), processes)
        ),
    )


def stored_rebuild(pool: CandidatePool, policy: MatchingPolicy, processes: int) -> dict[str, float]:
    """The stored rebuild as `flask match rebuild` runs it (brokerage.matches.store.row_batches:
    both directions' top N with their scores and components, and the reasons of each
    seeker's top N, streamed into bulk inserts),
    into a scratch SQLite `matches` table."""
    table = cast(Table, Match.__table__)
    return _timed_insert(
        "rebuild",
        table,
        lambda connection: insert_columns(
            connection, table, row_batches(SyntheticScene(pool, policy), set(), processes=processes)
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="5000,50000,500000")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--rebuild-up-to", type=int, default=50_000)
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes the rebuild scores in (default: one per core)",
    )
    args = parser.parse_args()
    if args.one:
        reference_queries = 3 if args.one <= 50_000 else 1
        rebuild = args.one <= args.rebuild_up_to
        print(json.dumps(measure(args.one, reference_queries, rebuild, args.processes)))
        return
    print(
        f"{'candidates':>10} {'median ms':>10} {'p95 ms':>8} {'reference ms':>13} {'ratio':>7} "
        f"{'rebuild s':>10} {'full rebuild s':>15} {'peak MiB':>9} {'pool build s':>13}"
    )
    previous = None
    details: list[str] = []
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
                "--processes",
                str(args.processes),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        f = json.loads(out.stdout)
        rebuild = f"{f['rebuild_s']:.1f}" if "rebuild_s" in f else "skipped"
        full = f"{f['full_rebuild_s']:.1f}" if "rebuild_s" in f else "skipped"
        if "rebuild_s" in f:
            details.append(
                f"rebuild at {size:,}: {f['rebuild_pairs']:,} offer pairs stored, "
                f"{f['rebuild_cpu_s']:.1f} s of CPU; full rebuild {f['full_rebuild_cpu_s']:.1f} "
                f"s of CPU, adding {f['supplier_rebuild_pairs']:,} supplier pairs in "
                f"{f['supplier_rebuild_s']:.1f} s ({f['supplier_rebuild_cpu_s']:.1f} s of CPU); "
                f"peak MiB by phase: queries {f['peak_queries_mib']:.0f}, suppliers "
                f"{f['peak_suppliers_mib']:.0f}, offer-level rebuild {f['peak_rebuild_mib']:.0f}, "
                f"supplier-level rebuild {f['peak_supplier_rebuild_mib']:.0f}; in "
                f"{args.processes} process(es), the largest worker's peak "
                f"{f['worker_peak_mib']:.0f} MiB (shared pages included)"
            )
        print(
            f"{size:>10,} {f['median_ms']:>10.1f} {f['p95_ms']:>8.1f} {f['reference_ms']:>13.0f} "
            f"{f['speed_ratio']:>6.0f}x {rebuild:>10} {full:>15} {f['peak_mib']:>9.0f} "
            f"{f['pool_build_s']:>13.1f}"
        )
        print(
            f"{'':>10} opportunity → {size:,} suppliers: {f['supplier_median_ms']:.1f} ms median, "
            f"per-pair reference {f['supplier_reference_ms']:.0f} ms "
            f"({f['supplier_ratio']:.0f}x)"
        )
        if previous:
            growth = (f["median_ms"] / previous["median_ms"]) / (size / previous["size"])
            print(f"{'':>10} cost growth vs size: {growth:.2f} (1.00 = linear)")
        previous = f
    print(
        f"rebuild = the stored rebuild: top {TOP_N} offers for each of 1,000 opportunities and "
        f"5,000 needs, top {TOP_N} needs for each offer, scores and components (reasons for "
        "the seekers' top pairs; an offer's own are worked out when shown), bulk insert; "
        f"full rebuild = that and the supplier pairs, as `flask match rebuild` stores them: top "
        f"{TOP_N} suppliers (as many as candidates) for each of 1,000 opportunities and top "
        f"{TOP_N} opportunities for each supplier, scored and explained, bulk insert"
    )
    for line in details:
        print(line)
    quality = evaluate()
    print(
        f"labelled set ({len(QUERIES)} queries): precision at 5 {quality.precision_at_5:.2f}, "
        f"nDCG at 10 {quality.ndcg_at_10:.2f}"
    )
    print("labelled county (tests/matching/county/, a scratch database, the JSON API):")
    for found in measure_county().values():
        print(summary(found))


if __name__ == "__main__":
    main()
