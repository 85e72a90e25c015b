"""Opportunity → supplier matching, vectorised: one opportunity against every supplier.

`SupplierPool` turns suppliers into arrays once (grid points, radii, trade prefixes as an
inverted index, pooled measures by code and outcome, the buyer's values); `score_suppliers`
scores a query against all of them; `rank_suppliers` keeps the best suppliers whose trade
fits and explains them with the per-pair reference (`supplier_reference`), which defines
every number here. Trade is a gate: a supplier of another trade is never listed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .engine import best_rows
from .model import Catalogue
from .supplier_model import (
    ADJACENT,
    ADJACENT_AREAS,
    DIVISION,
    FULL,
    GROUP,
    SME_SIZES,
    OpportunityQuery,
    SupplierCandidate,
    SupplierPolicy,
    SupplierResult,
    significant,
)
from .supplier_reference import (
    fallback_words,
    offered_measures,
    place_bonus,
    score_supplier,
    trade_credit,
    with_place_bonus,
)
from .text import words

TRADE_PREFIXES = (2, 3, 4)


@dataclass(frozen=True)
class PoolTerms:
    """What scoring a pool under one policy reads alike for every query, each read only:
    where each supplier's place credit starts to halve (metres), its bonus for where it is
    based, and its credit for what the buyer values."""

    local_edge_m: np.ndarray
    bonus: np.ndarray
    supplier: np.ndarray

    @classmethod
    def of(cls, pool: SupplierPool, policy: SupplierPolicy) -> PoolTerms:
        local = policy.local_km * 1000
        edge = np.where(np.isnan(pool.radius), local, np.minimum(pool.radius, local))
        w_sme, w_vcse, w_wage, w_charter = policy.value_weights
        supplier = w_sme * pool.sme + w_vcse * pool.vcse
        supplier += w_wage * pool.living_wage + w_charter * pool.charter
        terms = cls(
            edge, place_bonus(pool.priority, pool.in_area, policy), np.minimum(supplier, 1.0)
        )
        for array in (terms.local_edge_m, terms.bonus, terms.supplier):
            array.flags.writeable = False
        return terms


@dataclass(frozen=True)
class SupplierScores:
    """Every supplier's components; a supplier with trade 0 is not a match."""

    trade: np.ndarray
    social_value: np.ndarray
    place: np.ndarray
    supplier: np.ndarray
    scale: np.ndarray
    distance_m: np.ndarray  # NaN where the supplier's place is unknown
    total: np.ndarray


def _rows(index: dict[str, list[int]]) -> dict[str, np.ndarray]:
    return {key: np.array(sorted(set(rows)), dtype=np.int64) for key, rows in index.items()}


class SupplierPool:
    """Suppliers as arrays, built once and queried many times."""

    def __init__(
        self,
        candidates: Sequence[SupplierCandidate],
        catalogue: Catalogue,
        trade_names: Mapping[str, str] | None = None,
    ) -> None:
        self.candidates = tuple(candidates)
        self.catalogue = catalogue
        self.trade_names = dict(trade_names or {})
        self.size = n = len(self.candidates)
        located = [c.easting is not None and c.northing is not None for c in self.candidates]
        self.located = np.array(located, dtype=bool)
        self.easting = np.array([c.easting or 0.0 for c in self.candidates], dtype=np.float64)
        self.northing = np.array([c.northing or 0.0 for c in self.candidates], dtype=np.float64)
        self.radius = np.array(
            [math.nan if c.service_radius_m is None else c.service_radius_m for c in candidates],
            dtype=np.float64,
        )
        self.has_trades = np.array([bool(c.trades) for c in self.candidates], dtype=bool)
        categories: dict[str, int] = {"": 0}
        self.category = np.array(
            [
                categories.setdefault((c.category or "").casefold(), len(categories))
                for c in self.candidates
            ],
            dtype=np.int32,
        )
        self.category_codes = categories
        self.sme = np.array([c.size in SME_SIZES for c in self.candidates], dtype=np.float64)
        self.vcse = np.array([c.vcse for c in self.candidates], dtype=np.float64)
        self.living_wage = np.array([c.living_wage for c in self.candidates], dtype=np.float64)
        self.charter = np.array([c.charter_signee for c in self.candidates], dtype=np.float64)
        priority = [c.priority_place is not None for c in self.candidates]
        self.priority = np.array(priority, dtype=bool)
        self.in_area = np.array([c.in_area for c in self.candidates], dtype=bool)
        self.unlocated = np.flatnonzero(~self.located)
        self._terms: dict[SupplierPolicy, PoolTerms] = {}
        self.sizes = np.array([c.size or "" for c in self.candidates], dtype=object)
        self.micro = self.sizes == "micro"
        self.small = self.sizes == "small"
        self._index_trades()
        self._index_measures(n)

    def __len__(self) -> int:
        return self.size

    def terms(self, policy: SupplierPolicy) -> PoolTerms:
        """The pool's terms under `policy`, worked out on its first query."""
        if policy not in self._terms:
            self._terms[policy] = PoolTerms.of(self, policy)
        return self._terms[policy]

    def _index_trades(self) -> None:
        """Who has a code under each division, group and class, and who says each word of
        their description (read when a side has no codes)."""
        by_prefix: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        for row, candidate in enumerate(self.candidates):
            for code in candidate.trades:
                for digits in TRADE_PREFIXES:
                    by_prefix.setdefault(code[:digits], []).append(row)
            for word in words(candidate.description):
                by_word.setdefault(word, []).append(row)
        self.by_prefix = _rows(by_prefix)
        self.by_word = _rows(by_word)

    def _index_measures(self, n: int) -> None:
        """Each offered measure's summed quantity by supplier, and how many measures each
        supplier offers under each outcome (to credit a different, related one)."""
        by_measure: dict[str, tuple[list[int], list[float]]] = {}
        per_outcome: dict[int, np.ndarray] = {}
        for row, candidate in enumerate(self.candidates):
            for code, pooled in offered_measures(candidate).items():
                rows, quantities = by_measure.setdefault(code, ([], []))
                rows.append(row)
                quantities.append(pooled.quantity)
                if code in self.catalogue:
                    outcome = self.catalogue.outcome_of(code)
                    counts = per_outcome.setdefault(outcome, np.zeros(n, dtype=np.int32))
                    counts[row] += 1
        self.measure_rows = {
            code: (np.array(rows, dtype=np.int64), np.array(q, dtype=np.float64))
            for code, (rows, q) in by_measure.items()
        }
        self.outcome_counts = per_outcome


def prefix_relations(code: str) -> list[tuple[str, str]]:
    """The prefixes (of TRADE_PREFIXES' lengths) a supplier's code may start with to relate
    to the contract's `code`, each with the relation it earns (trade_relation's rules)."""
    return [
        (code[:2], DIVISION),
        *(
            (other, ADJACENT)
            for a, b in ADJACENT_AREAS
            for own, other in ((a, b), (b, a))
            if code.startswith(own)
        ),
        (code[:3], GROUP),
        (code[: min(len(significant(code)), 4)], FULL),
    ]


def _trade(pool: SupplierPool, query: OpportunityQuery, policy: SupplierPolicy) -> np.ndarray:
    trade = np.zeros(len(pool))
    if query.trades:
        for code in query.trades:
            for prefix, relation in prefix_relations(code):
                rows = pool.by_prefix.get(prefix)
                if rows is not None:
                    trade[rows] = np.maximum(trade[rows], trade_credit(relation, policy))
        trade[~pool.has_trades] = 0.0
    fallback = np.zeros(len(pool))
    if query.category:
        category_code = pool.category_codes.get(query.category.casefold())
        if category_code:
            fallback[pool.category == category_code] = policy.no_trades_category_credit
    for word in fallback_words(query):
        rows = pool.by_word.get(word)
        if rows is not None:
            fallback[rows] = np.maximum(fallback[rows], policy.no_trades_words_credit)
    uses_fallback = np.ones(len(pool), dtype=bool) if not query.trades else ~pool.has_trades
    return np.where(uses_fallback, fallback, trade)


def met_share(quantity: np.ndarray, target: float | np.ndarray | None) -> np.ndarray:
    """How far offered quantities meet their asks' targets, capped at 1: in full when any
    amount will do (no target, NaN in an array of them, or one at 0 or below)."""
    targets = np.asarray(math.nan if target is None else target, dtype=np.float64)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):  # a tiny target: met
        share = np.minimum(1.0, quantity / targets)
    return np.where(np.isnan(targets) | (targets <= 0), 1.0, share)


def _social_value(
    pool: SupplierPool, query: OpportunityQuery, policy: SupplierPolicy
) -> np.ndarray:
    n = len(pool)
    total_weight = sum(item.weight for item in query.measures)
    if total_weight <= 0:
        return np.zeros(n)
    weighted = np.zeros(n)
    for ask in query.measures:
        credit = np.zeros(n)
        offered = pool.measure_rows.get(ask.code)
        if ask.code in pool.catalogue:
            counts = pool.outcome_counts.get(pool.catalogue.outcome_of(ask.code))
            if counts is not None:
                others = counts.copy()
                if offered is not None:
                    others[offered[0]] -= 1
                credit[others > 0] = policy.related_measure_credit
        if offered is not None:
            rows, quantities = offered
            credit[rows] = np.maximum(credit[rows], met_share(quantities, ask.target))
        weighted += ask.weight * credit
    return np.minimum(1.0, weighted / total_weight)


def place_credits(
    pool: SupplierPool, distance: np.ndarray, policy: SupplierPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """The distances (NaN where a supplier's place is unknown) and place credits, bonuses
    for where a supplier is based included, from distances whose last axis is the pool's
    suppliers."""
    terms = pool.terms(policy)
    beyond = np.maximum(0.0, distance - terms.local_edge_m)
    place = with_place_bonus(np.exp2(-beyond / (policy.half_life_km * 1000)), terms.bonus)
    place[..., pool.unlocated] = 0.0
    distance[..., pool.unlocated] = math.nan
    return distance, place


def _place(
    pool: SupplierPool, query: OpportunityQuery, policy: SupplierPolicy
) -> tuple[np.ndarray, np.ndarray]:
    distance = np.hypot(pool.easting - query.easting, pool.northing - query.northing)
    return place_credits(pool, distance, policy)


def size_scales(pool: SupplierPool, values: np.ndarray, policy: SupplierPolicy) -> np.ndarray:
    """The size factor for contracts of these values in pence (NaN: unknown), shaped to
    broadcast against the pool's suppliers."""
    with np.errstate(invalid="ignore"):
        small = pool.micro & (values >= policy.micro_limit_pence)
        small |= pool.small & (values >= policy.small_limit_pence)
    return np.where(small, policy.very_small_factor, 1.0)


def _scale(pool: SupplierPool, query: OpportunityQuery, policy: SupplierPolicy) -> np.ndarray:
    value = math.nan if query.value_pence is None else query.value_pence
    return size_scales(pool, np.array(value, dtype=np.float64), policy)


def supplier_values(pool: SupplierPool, policy: SupplierPolicy) -> np.ndarray:
    """Each supplier's credit for what the buyer values (SME, VCSE, wage, charter); read
    only (worked out once per policy)."""
    return pool.terms(policy).supplier


def mixed_total(
    trade: np.ndarray,
    scale: np.ndarray,
    value: np.ndarray,
    place: np.ndarray,
    supplier: np.ndarray,
    policy: SupplierPolicy,
) -> np.ndarray:
    """The total: trade and size multiply the policy's mix of the other three parts."""
    w_value, w_place, w_supplier = policy.mix
    mixed = w_value * value + w_place * place + w_supplier * supplier
    return np.minimum(1.0, trade * scale * mixed)


def score_suppliers(
    query: OpportunityQuery, pool: SupplierPool, policy: SupplierPolicy
) -> SupplierScores:
    """Score the opportunity against every supplier at once."""
    trade = _trade(pool, query, policy)
    value = _social_value(pool, query, policy)
    distance, place = _place(pool, query, policy)
    supplier = supplier_values(pool, policy)
    scale = _scale(pool, query, policy)
    total = mixed_total(trade, scale, value, place, supplier, policy)
    return SupplierScores(trade, value, place, supplier, scale, distance, total)


def listed_totals(scores: SupplierScores, keys: np.ndarray, owners: np.ndarray | int) -> np.ndarray:
    """The totals of suppliers who may be listed, -inf elsewhere: a supplier whose trade is
    not the contract's, or the opportunity's own organisation (`owners`, broadcast against
    the suppliers' `keys`), never is."""
    keep = (scores.trade > 0) & (keys != owners)
    return np.where(keep, scores.total, -np.inf)


def rank_suppliers(
    query: OpportunityQuery, pool: SupplierPool, policy: SupplierPolicy, top_n: int = 10
) -> list[SupplierResult]:
    """The best `top_n` suppliers whose trade fits, best first, each explained; ties keep
    the pool's order."""
    scores = score_suppliers(query, pool, policy)
    eligible = np.flatnonzero(scores.trade > 0)
    if eligible.size == 0:
        return []
    results = []
    order = best_rows(scores.total, eligible, top_n)
    for row in order:
        explained = score_supplier(
            query, pool.candidates[row], pool.catalogue, policy, pool.trade_names
        )
        if explained is not None:
            results.append(explained)
    return results
