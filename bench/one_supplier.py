"""One supplier against every opportunity: `python -m bench.one_supplier [--opportunities 1000]`.

What a supplier's save scores (`SupplierScene.supplier_totals`): the supplier against every
published opportunity of the synthetic county (bench.suppliers), the old way (one
`score_suppliers` per opportunity on a pool of that supplier) and in one pass
(`score_opportunities` over opportunities turned into arrays once), for the same suppliers
in the same run: median ms of each, their ratio, the one-off cost of the arrays, CPU beside
wall-clock (the machine is shared), and the largest difference between the two totals.
Nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from bench.county import catalogue
from bench.suppliers import opportunities, suppliers
from brokerage.matching.supplier_batch import OpportunityArrays, score_opportunities
from brokerage.matching.supplier_model import OpportunityQuery, SupplierCandidate, SupplierPolicy
from brokerage.matching.suppliers import SupplierPool, listed_totals, score_suppliers

# The synthetic opportunities belong to no supplier (an owner no key equals).
NOBODY = -1


def one_by_one(
    queries: list[OpportunityQuery], pool: SupplierPool, policy: SupplierPolicy
) -> np.ndarray:
    """The loop `supplier_totals` ran before: one opportunity at a time."""
    keys = np.array([candidate.key for candidate in pool.candidates], dtype=np.int64)
    return np.array(
        [listed_totals(score_suppliers(query, pool, policy), keys, NOBODY) for query in queries]
    )


def in_one_pass(
    arrays: OpportunityArrays, pool: SupplierPool, policy: SupplierPolicy
) -> np.ndarray:
    keys = np.array([candidate.key for candidate in pool.candidates], dtype=np.int64)
    owners = np.full((len(arrays), 1), NOBODY, dtype=np.int64)
    return listed_totals(score_opportunities(arrays, pool, policy), keys, owners)


def _timed(work: Callable[..., Any], *arguments: object) -> tuple[float, float, Any]:
    """Wall and CPU milliseconds of one call, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work(*arguments)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=1_000)
    parser.add_argument("--suppliers", type=int, default=50, help="suppliers timed, one by one")
    arguments = parser.parse_args()
    found = catalogue()
    policy = SupplierPolicy()
    queries = opportunities(arguments.opportunities)
    candidates: list[SupplierCandidate] = suppliers(arguments.suppliers)
    built_ms, built_cpu, arrays = _timed(OpportunityArrays, queries, found)
    old, old_cpu, new, new_cpu, differences = [], [], [], [], []
    for candidate in candidates:
        pool = SupplierPool([candidate], found)
        wall, cpu, before = _timed(one_by_one, queries, pool, policy)
        old.append(wall)
        old_cpu.append(cpu)
        wall, cpu, after = _timed(in_one_pass, arrays, pool, policy)
        new.append(wall)
        new_cpu.append(cpu)
        with np.errstate(invalid="ignore"):  # -inf on both sides: not listed by either
            gap = np.abs(np.where(np.isneginf(before) & np.isneginf(after), 0.0, before - after))
        differences.append(float(np.max(gap, initial=0.0)))
    median = statistics.median
    print(
        f"one supplier against {len(queries):,} opportunities, median of {len(candidates)} "
        f"suppliers:\n"
        f"  one opportunity at a time: {median(old):.2f} ms ({median(old_cpu):.2f} ms CPU)\n"
        f"  in one pass:               {median(new):.3f} ms ({median(new_cpu):.3f} ms CPU)\n"
        f"  ratio: {median(old) / median(new):.0f}x (CPU {median(old_cpu) / median(new_cpu):.0f}x)"
        f"\n  the opportunities as arrays, once: {built_ms:.1f} ms ({built_cpu:.1f} ms CPU)\n"
        f"  largest difference between the totals: {max(differences):.1e}"
    )


if __name__ == "__main__":
    main()
