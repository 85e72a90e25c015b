"""Stored supplier matches: the full rebuild, and recomputing only what one save changes.

An opportunity keeps its top N suppliers (`opportunity_rank`) and a supplier its top N
opportunities (`supplier_rank`), one row per pair, scored and explained by the per-pair
reference (`matching.supplier_reference`), with the offers that gave credit. A save
recomputes only what it can change (and each published opportunity's `SupplierRanking`
says its ranking is stored, even an empty one):

- an opportunity saved: its own ranking against every supplier, and the suppliers'
  rankings it enters or leaves;
- a supplier changed (an offer of its saved, its profile or trades): that one supplier
  against every published opportunity (its own ranking), merged into the opportunities'
  stored rankings; only a full ranking it fell in is ranked again, since someone else
  moves up.

Functions flush; the caller commits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, partial
from itertools import count
from typing import Any, cast

import numpy as np
from sqlalchemy import Select, Table, delete, insert, select
from sqlalchemy.orm import InstrumentedAttribute

from ..bulk_rows import BATCH, Columns, insert_columns, rewriting
from ..extensions import db
from ..matching.engine import TIE_DECIMALS
from ..matching.supplier_batch import score_opportunities
from ..matching.supplier_model import (
    SupplierCandidate,
    SupplierResult,
)
from ..matching.supplier_reference import PairScorer, score_supplier
from ..matching.suppliers import SupplierPool, SupplierScores, listed_totals, score_suppliers
from ..toms.service import matching_catalogue
from ..types import utcnow
from . import kept, rebuilding, scene
from .policy import policy_in_force, supplier_policy
from .rebuilding import RangeRanked, Workers, rank_range, ranked_pairs, rebuild_processes
from .scene import best, values_by_id
from .supplier_inputs import (
    OpportunityQueries,
    SupplierWorld,
    published_opportunity_queries,
    supplier_world,
    trade_names,
)
from .supplier_models import SCORE_COLUMNS, SupplierMatch, SupplierRanking

# A pair scored in the full pool or alone differs by float noise at most.
SAME_SCORE = 1e-6
OPPORTUNITY_RANK, SUPPLIER_RANK = "opportunity_rank", "supplier_rank"
# Ids per `IN (...)` list: within every database's limit on bound parameters.
IN_BATCH = 900


class SupplierScene:
    """The policy in force, and what a recompute reads, each loaded when first needed (or
    given as `loaded`: a process's kept suppliers and opportunities, `kept`)."""

    def __init__(self, loaded: tuple[SupplierWorld, OpportunityQueries] | None = None) -> None:
        in_force = policy_in_force()
        self.version = in_force.version
        self.policy = supplier_policy(in_force.policy)
        self.catalogue = matching_catalogue()
        self._loaded = loaded

    @cached_property
    def world(self) -> SupplierWorld:
        return self._loaded[0] if self._loaded else supplier_world()

    @cached_property
    def supplier_index(self) -> dict[int, int]:
        candidates = self.world.pool.candidates
        return {int(c.key): row for row, c in enumerate(candidates)}  # type: ignore[call-overload]

    @cached_property
    def supplier_ids(self) -> list[int]:
        return list(self.supplier_index)

    @cached_property
    def supplier_keys(self) -> np.ndarray:
        return np.array(self.supplier_ids, dtype=np.int64)

    def supplier_values(self, by_id: dict[int, float], default: float) -> np.ndarray:
        """`by_id`'s values in the order of the world's suppliers (`default` elsewhere);
        ids of suppliers the world does not hold are left out."""
        ids = np.fromiter(by_id, dtype=np.int64, count=len(by_id))
        given = np.fromiter(by_id.values(), dtype=np.float64, count=len(by_id))
        return values_by_id(self.supplier_keys, ids, given, default, self._key_order)

    @cached_property
    def _key_order(self) -> np.ndarray:
        return np.argsort(self.supplier_keys, kind="stable")

    @cached_property
    def opportunities(self) -> OpportunityQueries:
        return self._loaded[1] if self._loaded else published_opportunity_queries()

    @cached_property
    def opportunity_index(self) -> dict[int, int]:
        return {opportunity_id: j for j, opportunity_id in enumerate(self.opportunities.ids)}

    def result(self, j: int, candidate: SupplierCandidate) -> SupplierResult | None:
        """One pair scored and explained by the reference; None if the trade is not the
        contract's or the supplier is the opportunity's own organisation."""
        if candidate.key == self.opportunities.organisations[j]:
            return None
        query = self.opportunities.queries[j]
        names = trade_names([candidate.trades, query.trades])
        return score_supplier(query, candidate, self.catalogue, self.policy, names)

    def opportunity_totals(self, j: int) -> np.ndarray:
        """Every supplier's total for opportunity `j`; -inf where it may not be listed."""
        return self.opportunity_scores(j)[1]

    def opportunity_scores(self, j: int) -> tuple[SupplierScores, np.ndarray]:
        """Every supplier's parts for opportunity `j`, and its totals with -inf where it
        may not be listed (the supplier's trade is not the contract's, or it is the
        opportunity's own organisation)."""
        query, organisation_id = self.opportunities.queries[j], self.opportunities.organisations[j]
        scores = score_suppliers(query, self.world.pool, self.policy)
        return scores, listed_totals(scores, self.supplier_keys, organisation_id)

    def supplier_totals(self, candidates: list[SupplierCandidate]) -> np.ndarray:
        """Some suppliers' totals for every published opportunity (rows: opportunities;
        columns: suppliers), scored together in one pass; -inf where not listed."""
        pool = SupplierPool(candidates, self.catalogue)
        keys = np.array([candidate.key for candidate in candidates], dtype=np.int64)
        owners = np.array(self.opportunities.organisations, dtype=np.int64)[:, np.newaxis]
        scores = score_opportunities(self.opportunities.arrays(self.catalogue), pool, self.policy)
        return listed_totals(scores, keys, owners)


def pair_fields(result: SupplierResult, version: int) -> dict[str, Any]:
    """A stored row's fields from one pair scored and explained alone."""
    return {
        "score": result.score,
        "trade_score": result.trade,
        "social_value_score": result.social_value,
        "place_score": result.place,
        "supplier_score": result.supplier,
        "size_factor": result.scale,
        "distance_m": result.distance_m,
        "reasons": list(result.reasons),
        "offer_ids": [int(offer) for offer in result.offers],  # type: ignore[call-overload]
        "policy_version": version,
        "computed_at": utcnow(),
    }


# The full rebuild ----------------------------------------------------------------------


def rebuild_supplier_matches(supplier_scene: SupplierScene | None = None) -> int:
    """Every opportunity's top N suppliers and every supplier's top N opportunities, from
    scratch; returns the number of rows stored."""
    found = supplier_scene or SupplierScene()
    db.session.execute(delete(SupplierRanking))
    now = utcnow()
    rankings = [
        {"opportunity_id": opportunity_id, "policy_version": found.version, "ranked_at": now}
        for opportunity_id in found.opportunities.ids
    ]
    if rankings:
        db.session.execute(insert(cast(Table, SupplierRanking.__table__)), rankings)
    table = cast(Table, SupplierMatch.__table__)
    with rewriting(db.session.connection(), table):
        db.session.execute(delete(SupplierMatch))
        stored = insert_columns(db.session.connection(), table, supplier_row_batches(found))
    db.session.flush()
    return stored


def supplier_row_batches(found: SupplierScene, processes: int | None = None) -> Iterator[Columns]:
    """The rows of a full rebuild, in (opportunity, supplier) order, as batches of columns
    for a bulk insert (each column's values straight from the ranked arrays, no dict per
    row): each pair either side ranks in its top N. Scores and parts come straight from the
    vectorised pass that ranked them; the reasons and the offers that gave credit are worked
    out as `SupplierScene.result` does them, by a `PairScorer` that works out once what the
    pairs share (bench.matching times these too). Both are done in `processes` worker
    processes (default: the MATCH_REBUILD_PROCESSES setting), a batch handed on while they
    go on."""
    candidates = found.world.pool.candidates
    queries = found.opportunities.queries
    names = trade_names([c.trades for c in candidates] + [q.trades for q in queries])
    scorer = PairScorer(found.catalogue, found.policy, names)
    found.supplier_keys  # noqa: B018  (worked out before the workers fork: they share it)
    opportunity_ids = np.array(found.opportunities.ids, dtype=np.int64)
    common = {"policy_version": found.version, "computed_at": utcnow()}
    with Workers((found, scorer), processes or rebuild_processes()) as workers:
        ranges = workers.map(
            _rank_opportunities, rebuilding.worker_ranges(len(queries), workers.processes)
        )
        pairs = ranked_pairs(ranges, len(found.world.pool))
        parts = [slice(start, start + BATCH) for start in range(0, pairs.seekers.size, BATCH)]
        explained = workers.map(_explained, [(pairs.seekers[p], pairs.offers[p]) for p in parts])
        for part, (reasons, offers) in zip(parts, explained, strict=True):
            size = len(reasons)
            scored = dict(zip(PART_COLUMNS, pairs.parts[part].T.tolist(), strict=True))
            distances = scored.pop("distance_m")
            yield {
                **rebuilding.repeated(common, size),
                "opportunity_id": opportunity_ids[pairs.seekers[part]].tolist(),
                "organisation_id": found.supplier_keys[pairs.offers[part]].tolist(),
                OPPORTUNITY_RANK: rebuilding.ranks_or_none(pairs.seeker_rank[part]),
                SUPPLIER_RANK: rebuilding.ranks_or_none(pairs.offer_rank[part]),
                **scored,
                "distance_m": [None if math.isnan(d) else d for d in distances],
                "reasons": reasons,
                "offer_ids": offers,
            }


# What a rebuild's workers share: the scene and the scorer that explains its pairs.
_Shared = tuple[SupplierScene, PairScorer]


def _rank_opportunities(
    shared: _Shared, opportunities: range, done: Callable[[int], None]
) -> RangeRanked:
    """A range of opportunities ranked: each one's top N suppliers, and each supplier's
    best N of them, with their parts from the vectorised pass."""
    found, _ = shared

    def scored(j: int) -> tuple[np.ndarray, Callable[[Any], np.ndarray]]:
        scores, totals = found.opportunity_scores(j)
        return totals, partial(_parts, scores)

    rows, parts = len(found.world.pool), len(PART_COLUMNS)
    return rank_range(opportunities, rows, parts, scored, lambda *_: None, done)


def _explained(
    shared: _Shared, pairs: tuple[np.ndarray, np.ndarray], done: Callable[[int], None]
) -> tuple[list[list[str]], list[list[int]]]:
    """Each pair's reasons, and the ids of the offers that gave credit, as stored (two
    columns)."""
    found, scorer = shared
    candidates, queries = found.world.pool.candidates, found.opportunities.queries
    reasons_column: list[list[str]] = []
    offers_column: list[list[int]] = []
    for j, row in zip(pairs[0].tolist(), pairs[1].tolist(), strict=True):
        reasons, offers = scorer.reasons(queries[j], candidates[row])
        reasons_column.append(list(reasons))
        offers_column.append([int(offer) for offer in offers])  # type: ignore[call-overload]
    return reasons_column, offers_column


# What a rebuild stores of each ranked pair from the vectorised pass, in this order
# (columns of its arrays; the distance NaN where the supplier's place is unknown).
PART_COLUMNS = (*SCORE_COLUMNS, "distance_m")


def _parts(scores: SupplierScores, rows: np.ndarray | list[int]) -> np.ndarray:
    columns = (
        scores.total,
        scores.trade,
        scores.social_value,
        scores.place,
        scores.supplier,
        scores.scale,
        scores.distance_m,
    )
    return np.stack([column[rows] for column in columns], axis=-1)


# Recomputing what one save changes -------------------------------------------------------


def recompute_supplier_matches(
    opportunity_ids: Iterable[int] = (), organisation_ids: Iterable[int] = ()
) -> None:
    """Bring stored supplier matches up to date after these opportunities were saved (or
    published, archived) and these suppliers changed (an offer, the profile, the trades),
    against the suppliers and opportunities this process keeps (`kept`)."""
    found = SupplierScene(kept.supplier_side())
    for opportunity_id in sorted(set(opportunity_ids)):
        _Recompute(found).opportunity_changed(opportunity_id)
    for organisation_id in sorted(set(organisation_ids)):
        _Recompute(found).supplier_changed(organisation_id)
    db.session.flush()


def stored_for_opportunity(opportunity_id: int) -> dict[int, SupplierMatch]:
    found = db.session.scalars(
        select(SupplierMatch).where(SupplierMatch.opportunity_id == opportunity_id)
    )
    return {row.organisation_id: row for row in found}


def stored_for_supplier(organisation_id: int) -> dict[int, SupplierMatch]:
    found = db.session.scalars(
        select(SupplierMatch).where(SupplierMatch.organisation_id == organisation_id)
    )
    return {row.opportunity_id: row for row in found}


def nth_score_query(attribute: str, key: InstrumentedAttribute[int]) -> Select[int, float]:
    """Each ranking's N-th row as (`key`, score) only: for suppliers' rankings the index on
    (supplier_rank, organisation_id, score) answers it without reading the wide rows."""
    return select(key, SupplierMatch.score).where(getattr(SupplierMatch, attribute) == scene.TOP_N)


def _in_batches(ids: list[int]) -> Iterator[list[int]]:
    """`ids` in lists short enough for one `IN (...)`."""
    for start in range(0, len(ids), IN_BATCH):
        yield ids[start : start + IN_BATCH]


# A supplier's stored ranking: (opportunity id, score, rank) of each row, best first.
StoredRanking = list[tuple[int, float, int | None]]


def _supplier_rankings(organisation_ids: list[int]) -> dict[int, StoredRanking]:
    """Each supplier's stored ranking, read in a few queries rather than one per supplier."""
    rankings: dict[int, StoredRanking] = {}
    for batch in _in_batches(organisation_ids):
        query = (
            select(
                SupplierMatch.organisation_id,
                SupplierMatch.opportunity_id,
                SupplierMatch.score,
                SupplierMatch.supplier_rank,
            )
            .where(
                SupplierMatch.organisation_id.in_(batch),
                SupplierMatch.supplier_rank.is_not(None),
            )
            .order_by(SupplierMatch.organisation_id, SupplierMatch.supplier_rank)
        )
        for organisation_id, opportunity_id, score, rank in db.session.execute(query):
            rankings.setdefault(organisation_id, []).append((opportunity_id, score, rank))
    return rankings


def _stored_as(stored: StoredRanking, ranked: list[int]) -> bool:
    """Whether the stored ranking is `ranked`, numbered 1..n: storing it would change nothing."""
    return [(o_id, rank) for o_id, _, rank in stored] == list(zip(ranked, count(1)))


def _ranking_of(rows: dict[int, SupplierMatch], attribute: str) -> list[tuple[float, int]]:
    return [(row.score, partner) for partner, row in rows.items() if getattr(row, attribute)]


def _merged(ranked: Iterable[tuple[float, int]], top_n: int) -> list[int]:
    """Partner ids best first (ties: the lower id, the older listing or organisation)."""
    return [p for _, p in sorted((-round(s, TIE_DECIMALS), p) for s, p in ranked)][:top_n]


class _Recompute:
    def __init__(self, found: SupplierScene) -> None:
        self.scene = found

    def _set_ranks(
        self,
        existing: dict[int, SupplierMatch],
        ranked: list[int],
        attribute: str,
        create: Callable[[int], SupplierMatch | None],
        flush: bool = True,
    ) -> None:
        """Give the partners in `ranked` ranks 1..n in `attribute`, clear the others'
        ranks, create missing rows, and delete rows ranked nowhere; flushed unless the
        caller flushes the rankings of many together (`flush` False)."""
        new = {partner: rank for rank, partner in enumerate(ranked, start=1)}
        for partner, row in existing.items():
            setattr(row, attribute, new.get(partner))
            if row.opportunity_rank is None and row.supplier_rank is None:
                db.session.delete(row)
        if flush:
            db.session.flush()
        for partner, rank in new.items():
            if partner not in existing and (created := create(partner)) is not None:
                setattr(created, attribute, rank)
                db.session.add(created)
        if flush:
            db.session.flush()

    def _opportunity_row(
        self, j: int, changed: int, candidate: SupplierCandidate | None, organisation_id: int
    ) -> SupplierMatch | None:
        """Opportunity `j`'s row for a supplier in its ranking: the `changed` one as
        `candidate` now is, any other as the world holds it."""
        if organisation_id != changed:
            return self._row(j, self._by_id(organisation_id))
        return None if candidate is None else self._row(j, candidate)

    def _row(self, j: int, candidate: SupplierCandidate) -> SupplierMatch | None:
        result = self.scene.result(j, candidate)
        if result is None:
            return None
        return SupplierMatch(
            opportunity_id=self.scene.opportunities.ids[j],
            organisation_id=int(candidate.key),  # type: ignore[call-overload]
            **pair_fields(result, self.scene.version),
        )

    def _candidate(self, organisation_id: int) -> SupplierCandidate | None:
        index = self.scene.supplier_index.get(organisation_id)
        return None if index is None else self.scene.world.pool.candidates[index]

    def _nth_scores(
        self, attribute: str, key: Any, ids: Iterable[int], scan_above: float = math.inf
    ) -> dict[int, float]:
        """The N-th score of each of these rankings (opportunities' or suppliers', by `key`)
        that is full (perhaps of others too): looked up in the index on (key, rank), or, for
        more than `scan_above` rankings, read in one pass (see `nth_score_query`)."""
        every_nth = nth_score_query(attribute, key)
        wanted = sorted(set(ids))
        if len(wanted) > scan_above:
            return {key_id: score for key_id, score in db.session.execute(every_nth)}
        found: dict[int, float] = {}
        for batch in _in_batches(wanted):
            query = every_nth.where(key.in_(batch))
            found.update((key_id, score) for key_id, score in db.session.execute(query))
        return found

    # An opportunity changed ---------------------------------------------------------------

    def opportunity_changed(self, opportunity_id: int) -> None:
        found = self.scene
        j = found.opportunity_index.get(opportunity_id)
        self._note_ranked(opportunity_id, j is not None)
        keys = found.supplier_ids
        totals = np.full(len(keys), -np.inf) if j is None else found.opportunity_totals(j)
        top = [keys[row] for row in best(totals)]
        self._set_ranks(
            stored_for_opportunity(opportunity_id),
            top,
            OPPORTUNITY_RANK,
            lambda organisation_id: (
                None if j is None else self._row(j, self._by_id(organisation_id))
            ),
        )
        was_in = {
            row.organisation_id: row.score
            for row in stored_for_opportunity(opportunity_id).values()
            if row.supplier_rank
        }
        # Only a supplier it may be listed for can take it into its ranking.
        listed = np.flatnonzero(np.isfinite(totals))
        probed = [*found.supplier_keys[listed].tolist(), *was_in]
        # Looking up half the suppliers' N-th rows costs what reading every row does (about
        # ten a supplier): 64 against 40 ms for all of 10,000.
        half = len(found.supplier_keys) / 2
        nth = self._nth_scores(SUPPLIER_RANK, SupplierMatch.organisation_id, probed, half)
        floor = found.supplier_values(nth, default=-np.inf)
        entering = found.supplier_keys[listed[totals[listed] >= floor[listed]]].tolist()

        def score_of(organisation_id: int) -> float:
            row = found.supplier_index.get(organisation_id)
            return -np.inf if row is None else float(totals[row])

        # Suppliers whose full ranking it fell in are ranked again, together.
        fell = [
            candidate
            for organisation_id, old in was_in.items()
            if organisation_id in nth
            and score_of(organisation_id) < old - SAME_SCORE
            and (candidate := self._candidate(organisation_id)) is not None
        ]
        again = found.supplier_totals(fell) if fell else np.empty((0, 0))
        ranked_again = {
            int(candidate.key): [found.opportunities.ids[j] for j in best(again[:, column])]  # type: ignore[call-overload]
            for column, candidate in enumerate(fell)
        }
        affected = sorted({*entering, *was_in})
        rankings = _supplier_rankings(affected)
        moved: dict[int, list[int]] = {}
        for organisation_id in affected:
            stored = rankings.get(organisation_id, [])
            ranked = ranked_again.get(organisation_id)
            if ranked is None:
                others = [(score, o_id) for o_id, score, _ in stored if o_id != opportunity_id]
                score = score_of(organisation_id)
                newcomer = [(score, opportunity_id)] if np.isfinite(score) else []
                ranked = _merged([*others, *newcomer], scene.TOP_N)
            # Most suppliers keep their ranking as stored: only a changed one is written.
            if not _stored_as(stored, ranked):
                moved[organisation_id] = ranked
        self._rank_suppliers(moved)
        self._refresh(stored_for_opportunity(opportunity_id).values())

    def _note_ranked(self, opportunity_id: int, published: bool) -> None:
        """Say that a published opportunity's ranking is stored (forget it for one that is
        not published: its page ranks it live)."""
        noted = db.session.get(SupplierRanking, opportunity_id)
        if not published:
            if noted is not None:
                db.session.delete(noted)
            return
        if noted is None:
            noted = SupplierRanking(opportunity_id=opportunity_id)
            db.session.add(noted)
        noted.policy_version, noted.ranked_at = self.scene.version, utcnow()

    def _by_id(self, organisation_id: int) -> SupplierCandidate:
        candidate = self._candidate(organisation_id)
        assert candidate is not None  # ranked from the world's own candidates
        return candidate

    def _rank_suppliers(self, rankings: dict[int, list[int]]) -> None:
        """Suppliers' own top N (`rankings`, by organisation id) stored after one
        opportunity's score for them changed: their rows read in a few queries and written
        by one flush, not a query and two flushes a supplier (under cProfile at 10,000
        suppliers those took 0.71 s for 37 suppliers in five saves)."""
        rows: dict[int, dict[int, SupplierMatch]] = {key: {} for key in rankings}
        for batch in _in_batches(sorted(rankings)):
            query = select(SupplierMatch).where(SupplierMatch.organisation_id.in_(batch))
            for row in db.session.scalars(query):
                rows[row.organisation_id][row.opportunity_id] = row
        for organisation_id, ranked in rankings.items():
            candidate = self._candidate(organisation_id)
            self._set_ranks(
                rows[organisation_id],
                ranked,
                SUPPLIER_RANK,
                partial(self._supplier_row, candidate),
                flush=False,
            )
        db.session.flush()

    def _supplier_row(
        self, candidate: SupplierCandidate | None, opportunity_id: int
    ) -> SupplierMatch | None:
        if candidate is None:
            return None
        return self._row(self.scene.opportunity_index[opportunity_id], candidate)

    # A supplier changed -------------------------------------------------------------------

    def supplier_changed(self, organisation_id: int) -> None:
        found = self.scene
        alone = supplier_world(only=[organisation_id])
        candidate = alone.pool.candidates[0] if alone.pool.candidates else None
        totals = (
            np.full(len(found.opportunities), -np.inf)
            if candidate is None
            else found.supplier_totals([candidate])[:, 0]
        )
        ids = found.opportunities.ids
        self._set_ranks(
            stored_for_supplier(organisation_id),
            [ids[j] for j in best(totals)],
            SUPPLIER_RANK,
            lambda o_id: (
                None if candidate is None else self._row(found.opportunity_index[o_id], candidate)
            ),
        )
        self._merge_into_opportunities(organisation_id, candidate, totals)
        if candidate is not None:
            self._refresh(stored_for_supplier(organisation_id).values(), candidate)

    def _merge_into_opportunities(
        self, organisation_id: int, candidate: SupplierCandidate | None, totals: np.ndarray
    ) -> None:
        """Each opportunity's ranking the supplier enters, stays in or leaves."""
        found = self.scene
        was_in = {
            row.opportunity_id: row.score
            for row in stored_for_supplier(organisation_id).values()
            if row.opportunity_rank
        }
        listed = [found.opportunities.ids[j] for j in np.flatnonzero(np.isfinite(totals))]
        nth = self._nth_scores(OPPORTUNITY_RANK, SupplierMatch.opportunity_id, [*listed, *was_in])
        for j, opportunity_id in enumerate(found.opportunities.ids):
            score = float(totals[j])
            enters = np.isfinite(score) and score >= nth.get(opportunity_id, -np.inf)
            if not enters and opportunity_id not in was_in:
                continue
            existing = stored_for_opportunity(opportunity_id)
            fell = opportunity_id in was_in and score < was_in[opportunity_id] - SAME_SCORE
            if fell and opportunity_id in nth:
                # A full ranking it fell in: someone else may move up.
                ranked = [found.supplier_ids[row] for row in best(found.opportunity_totals(j))]
            else:
                others = [
                    entry
                    for entry in _ranking_of(existing, OPPORTUNITY_RANK)
                    if entry[1] != organisation_id
                ]
                newcomer = [(score, organisation_id)] if np.isfinite(score) else []
                ranked = _merged([*others, *newcomer], scene.TOP_N)
            self._set_ranks(
                existing,
                ranked,
                OPPORTUNITY_RANK,
                partial(self._opportunity_row, j, organisation_id, candidate),
            )

    def _refresh(
        self, rows: Iterable[SupplierMatch], candidate: SupplierCandidate | None = None
    ) -> None:
        """Re-score the changed side's rows with what it says now."""
        for row in rows:
            j = self.scene.opportunity_index.get(row.opportunity_id)
            pair = candidate or self._candidate(row.organisation_id)
            result = None if j is None or pair is None else self.scene.result(j, pair)
            if result is None:
                db.session.delete(row)
                continue
            for name, value in pair_fields(result, self.scene.version).items():
                setattr(row, name, value)
        db.session.flush()
