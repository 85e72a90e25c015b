"""Opportunity → supplier matching the other way round: a few suppliers against many
opportunities in one vectorised pass, for when a supplier's offers, profile or trades change.

`OpportunityArrays` turns the opportunities into arrays once (places, values, trade prefixes
and fallback words as inverted indices, every ask flattened); `score_opportunities` gives,
for every opportunity and supplier, exactly what `suppliers.score_suppliers(query, pool)`
gives, and shares its rules (`suppliers`' helpers) rather than restating them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .model import Catalogue
from .supplier_model import ADJACENT, DIVISION, FULL, GROUP, OpportunityQuery, SupplierPolicy
from .supplier_reference import fallback_words, trade_credit
from .suppliers import (
    SupplierPool,
    SupplierScores,
    met_share,
    mixed_total,
    place_credits,
    prefix_relations,
    size_scales,
    supplier_values,
)

RELATIONS = (FULL, GROUP, ADJACENT, DIVISION)


def _arrays(index: dict[str, list[int]]) -> dict[str, np.ndarray]:
    return {key: np.array(rows, dtype=np.int64) for key, rows in index.items()}


# What one opportunity adds to the trade indexes: (prefix, relation's index in RELATIONS) of
# its codes, its sector (casefolded, "" none) and its fallback words.
TradeTerms = tuple[tuple[tuple[str, int], ...], str, frozenset[str]]


def trade_terms(query: OpportunityQuery) -> TradeTerms:
    prefixes = tuple(
        (prefix, RELATIONS.index(relation))
        for code in query.trades
        for prefix, relation in prefix_relations(code)
    )
    return prefixes, (query.category or "").casefold(), fallback_words(query)


class OpportunityArrays:
    """Opportunities as arrays, built once and scored against many suppliers. Rows follow
    `queries`; asks are flattened in the queries' order. Built after an `earlier` set (a
    kept world's, before one opportunity was saved), the trade terms of each query that is
    the very object it held are taken from it, not worked out again (their words were most
    of an opportunity save's supplier-level rescoring: 1,000 queries' words each save)."""

    def __init__(
        self,
        queries: Sequence[OpportunityQuery],
        catalogue: Catalogue,
        earlier: OpportunityArrays | None = None,
    ) -> None:
        self.queries = tuple(queries)
        self.catalogue = catalogue
        known = {} if earlier is None else earlier.terms
        # Each query's trade terms, by the query object's id (kept with the query itself, so
        # a reused id is never mistaken for it).
        self.terms: dict[int, tuple[OpportunityQuery, TradeTerms]] = {}
        for query in self.queries:
            found = known.get(id(query))
            if found is None or found[0] is not query:
                found = (query, trade_terms(query))
            self.terms[id(query)] = found
        self.size = len(self.queries)
        self.easting = np.array([q.easting for q in self.queries], dtype=np.float64)
        self.northing = np.array([q.northing for q in self.queries], dtype=np.float64)
        self.value_pence = np.array(
            [math.nan if q.value_pence is None else q.value_pence for q in self.queries],
            dtype=np.float64,
        )
        self.has_trades = np.array([bool(q.trades) for q in self.queries], dtype=bool)
        self._index_trades()
        self._index_asks()

    def __len__(self) -> int:
        return self.size

    def _index_trades(self) -> None:
        """For each prefix a supplier's code may start with: the opportunities it relates
        to and how (an index into RELATIONS); who names each sector and each fallback word."""
        by_prefix: dict[str, tuple[list[int], list[int]]] = {}
        by_category: dict[str, list[int]] = {}
        by_word: dict[str, list[int]] = {}
        for row, query in enumerate(self.queries):
            prefixes, category, fallback = self.terms[id(query)][1]
            for prefix, relation in prefixes:
                rows, relations = by_prefix.setdefault(prefix, ([], []))
                rows.append(row)
                relations.append(relation)
            if category:
                by_category.setdefault(category, []).append(row)
            for word in fallback:
                by_word.setdefault(word, []).append(row)
        self.by_prefix = {
            prefix: (np.array(rows, dtype=np.int64), np.array(relations, dtype=np.int64))
            for prefix, (rows, relations) in by_prefix.items()
        }
        self.by_category = _arrays(by_category)
        self.by_word = _arrays(by_word)

    def _index_asks(self) -> None:
        """Every ask as one row: its opportunity, weight and target (NaN: none), indexed by
        measure code and by outcome (for the catalogue's measures); each opportunity's total
        weight."""
        asks = [(row, ask) for row, query in enumerate(self.queries) for ask in query.measures]
        self.ask_query = np.array([row for row, _ in asks], dtype=np.int64)
        self.ask_weight = np.array([ask.weight for _, ask in asks], dtype=np.float64)
        self.ask_target = np.array(
            [math.nan if ask.target is None else ask.target for _, ask in asks], dtype=np.float64
        )
        by_code: dict[str, list[int]] = {}
        by_outcome: dict[int, list[int]] = {}
        for number, (_, ask) in enumerate(asks):
            by_code.setdefault(ask.code, []).append(number)
            if ask.code in self.catalogue:
                by_outcome.setdefault(self.catalogue.outcome_of(ask.code), []).append(number)
        self.asks_by_code = _arrays(by_code)
        self.asks_by_outcome = {outcome: np.array(rows) for outcome, rows in by_outcome.items()}
        self.total_weight = np.bincount(
            self.ask_query, weights=self.ask_weight, minlength=self.size
        ).astype(np.float64)


def _trade(arrays: OpportunityArrays, pool: SupplierPool, policy: SupplierPolicy) -> np.ndarray:
    """Trade credits, opportunities by suppliers: the best related pair of codes, or (when
    either side has none) the sector or a word naming the contract's trade."""
    credit_of = np.array([trade_credit(relation, policy) for relation in RELATIONS])
    trade = np.zeros((len(arrays), len(pool)))
    for prefix, columns in pool.by_prefix.items():
        found = arrays.by_prefix.get(prefix)
        if found is not None:
            rows, relations = found
            at = (rows[:, np.newaxis], columns[np.newaxis, :])
            np.maximum.at(trade, at, credit_of[relations][:, np.newaxis])
    fallback = np.zeros_like(trade)
    for category, code in pool.category_codes.items():
        in_sector = arrays.by_category.get(category)
        if code and in_sector is not None:
            block = np.ix_(in_sector, np.flatnonzero(pool.category == code))
            fallback[block] = policy.no_trades_category_credit
    for word, columns in pool.by_word.items():
        naming = arrays.by_word.get(word)
        if naming is not None:
            block = np.ix_(naming, columns)
            fallback[block] = np.maximum(fallback[block], policy.no_trades_words_credit)
    uses_fallback = ~arrays.has_trades[:, np.newaxis] | ~pool.has_trades[np.newaxis, :]
    return np.where(uses_fallback, fallback, trade)


def _social_value(
    arrays: OpportunityArrays, pool: SupplierPool, policy: SupplierPolicy
) -> np.ndarray:
    """The weighted share of each opportunity's asks that each supplier's offers meet."""
    shape = (len(arrays.ask_query), len(pool))
    offered = np.zeros(shape, dtype=bool)
    quantity = np.zeros(shape)
    for code, (columns, quantities) in pool.measure_rows.items():
        asks = arrays.asks_by_code.get(code)
        if asks is not None:
            offered[np.ix_(asks, columns)] = True
            quantity[np.ix_(asks, columns)] = quantities
    credit = np.zeros(shape)
    for outcome, counts in pool.outcome_counts.items():
        asks = arrays.asks_by_outcome.get(outcome)
        if asks is not None:
            others = counts[np.newaxis, :] - offered[asks]
            credit[asks] = np.where(others > 0, policy.related_measure_credit, 0.0)
    direct = met_share(quantity, arrays.ask_target[:, np.newaxis])
    credit = np.where(offered, np.maximum(credit, direct), credit)
    weighted = np.zeros((len(arrays), len(pool)))
    np.add.at(weighted, arrays.ask_query, arrays.ask_weight[:, np.newaxis] * credit)
    total_weight = arrays.total_weight[:, np.newaxis]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total_weight > 0, np.minimum(1.0, weighted / total_weight), 0.0)


def score_opportunities(
    arrays: OpportunityArrays, pool: SupplierPool, policy: SupplierPolicy
) -> SupplierScores:
    """Every supplier of the pool against every opportunity at once: each part an array of
    opportunities (rows) by suppliers (columns), as `score_suppliers` gives them."""
    if pool.catalogue is not arrays.catalogue:
        raise ValueError("The suppliers and the opportunities must share one catalogue.")
    trade = _trade(arrays, pool, policy)
    value = _social_value(arrays, pool, policy)
    distance = np.hypot(
        pool.easting[np.newaxis, :] - arrays.easting[:, np.newaxis],
        pool.northing[np.newaxis, :] - arrays.northing[:, np.newaxis],
    )
    distance, place = place_credits(pool, distance, policy)
    supplier = np.broadcast_to(supplier_values(pool, policy), trade.shape).copy()
    scale = size_scales(pool, arrays.value_pence[:, np.newaxis], policy)
    total = mixed_total(trade, scale, value, place, supplier, policy)
    return SupplierScores(trade, value, place, supplier, scale, distance, total)
