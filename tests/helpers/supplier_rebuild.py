"""A supplier-level rebuild without a database: a scene of given suppliers and
opportunities, and the rows a full rebuild stores as the per-pair reference defines them
(every pair scored and explained alone, each side's top N ranked from those scores)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from brokerage.matches import scene
from brokerage.matches.supplier_inputs import OpportunityQueries, SupplierWorld
from brokerage.matches.supplier_store import (
    OPPORTUNITY_RANK,
    SUPPLIER_RANK,
    SupplierScene,
    pair_fields,
)
from brokerage.matching.model import Catalogue
from brokerage.matching.supplier_model import OpportunityQuery, SupplierCandidate, SupplierPolicy
from brokerage.matching.suppliers import SupplierPool


class GivenSupplierScene(SupplierScene):
    """The rebuild's scene with these suppliers and opportunities (opportunity `j` has id
    j + 1 and is owned by organisation `owners[j]`), the default policy, version 0."""

    def __init__(
        self,
        candidates: Sequence[SupplierCandidate],
        queries: Sequence[OpportunityQuery],
        catalogue: Catalogue,
        owners: Sequence[int],
    ) -> None:
        self.version = 0
        self.policy = SupplierPolicy()
        self.catalogue = catalogue
        self.__dict__["world"] = SupplierWorld(SupplierPool(candidates, catalogue), {}, {})
        ids = list(range(1, len(queries) + 1))
        self.__dict__["opportunities"] = OpportunityQueries(ids, list(owners), list(queries))


def reference_supplier_rows(found: SupplierScene) -> dict[tuple[int, int], dict[str, Any]]:
    """(opportunity id, organisation id) -> the stored row's ranks, parts, reasons and
    offers, every pair scored alone by `SupplierScene.result` (the per-pair reference)."""
    candidates = found.world.pool.candidates
    n_opportunities = len(found.opportunities)
    results = {
        (j, row): result
        for j in range(n_opportunities)
        for row, candidate in enumerate(candidates)
        if (result := found.result(j, candidate)) is not None
    }
    totals = np.full((n_opportunities, len(candidates)), -np.inf)
    for (j, row), result in results.items():
        totals[j, row] = result.score
    ranks: dict[tuple[int, int], dict[str, int]] = {}
    for j in range(n_opportunities):
        for rank, row in enumerate(scene.best(totals[j]), start=1):
            ranks.setdefault((j, row), {})[OPPORTUNITY_RANK] = rank
    for row in range(len(candidates)):
        for rank, j in enumerate(scene.best(totals[:, row]), start=1):
            ranks.setdefault((j, row), {})[SUPPLIER_RANK] = rank
    rows = {}
    for (j, row), ranked in ranks.items():
        fields = pair_fields(results[j, row], found.version)
        del fields["computed_at"]
        rows[found.opportunities.ids[j], int(candidates[row].key)] = {  # type: ignore[call-overload]
            OPPORTUNITY_RANK: ranked.get(OPPORTUNITY_RANK),
            SUPPLIER_RANK: ranked.get(SUPPLIER_RANK),
            **fields,
        }
    return rows
