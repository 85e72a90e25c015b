"""The per-pair reference for opportunity → supplier matching: one supplier at a time, in
plain Python, the definition the vectorised path (`suppliers`) is tested against. It also
works out which offers contributed and, through `supplier_reasons`, why."""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .model import Catalogue
from .supplier_model import (
    ADJACENT,
    ADJACENT_AREAS,
    DIVISION,
    FULL,
    GROUP,
    SME_SIZES,
    AskCredit,
    OpportunityQuery,
    PooledMeasure,
    SupplierCandidate,
    SupplierPolicy,
    SupplierResult,
    TradeFit,
    significant,
    very_small,
)
from .supplier_reasons import explain
from .text import words


def trade_relation(theirs: str, ours: str) -> str | None:
    """How a supplier's CPV code relates to the contract's: "full" (the same code, the
    supplier's inside the contract's, or the same class), "group", "adjacent" (areas in
    ADJACENT_AREAS), "division", or None."""
    if theirs[:4] == ours[:4] or theirs.startswith(significant(ours)):
        return FULL
    if theirs[:3] == ours[:3]:
        return GROUP
    if any(
        (ours.startswith(a) and theirs.startswith(b))
        or (ours.startswith(b) and theirs.startswith(a))
        for a, b in ADJACENT_AREAS
    ):
        return ADJACENT
    if theirs[:2] == ours[:2]:
        return DIVISION
    return None


def trade_credit(relation: str | None, policy: SupplierPolicy) -> float:
    if relation == FULL:
        return 1.0
    if relation == GROUP:
        return policy.same_group_credit
    if relation == ADJACENT:
        return policy.adjacent_area_credit
    if relation == DIVISION:
        return policy.same_division_credit
    return 0.0


WordsOf = Callable[[str], tuple[str, ...]]


def fallback_words(query: OpportunityQuery, words_of: WordsOf = words) -> frozenset[str]:
    """The words that name the contract's trade, when a side has no codes to compare."""
    return frozenset(words_of(query.trade_words or query.text))


def trade_fit(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    policy: SupplierPolicy,
    relation_of: Callable[[str, str], str | None] = trade_relation,
    words_of: WordsOf = words,
) -> TradeFit:
    """The best pair of codes, or the fallback when a side has none; `relation_of` is
    trade_relation and `words_of` text.words (or memos of them)."""
    if query.trades and candidate.trades:
        best = TradeFit(0.0)
        for theirs in candidate.trades:
            for ours in query.trades:
                relation = relation_of(theirs, ours)
                credit = trade_credit(relation, policy)
                if credit > best.credit:
                    best = TradeFit(credit, (theirs, ours), relation)
        return best
    same = bool(query.category and candidate.category) and (
        (query.category or "").casefold() == (candidate.category or "").casefold()
    )
    contract_words = fallback_words(query, words_of)
    shared = tuple(w for w in words_of(candidate.description) if w in contract_words)
    credit = max(
        policy.no_trades_category_credit if same else 0.0,
        policy.no_trades_words_credit if shared else 0.0,
    )
    return TradeFit(credit, same_category=same, words=shared)


def offered_measures(candidate: SupplierCandidate) -> dict[str, PooledMeasure]:
    """What the supplier offers: measures with a quantity above 0."""
    return {code: m for code, m in candidate.measures.items() if m.quantity > 0}


@dataclass(frozen=True)
class Offered:
    """What a supplier offers (`offered_measures`) and, under each outcome, the offered
    measures the catalogue knows, in the order offered: a related measure is a lookup."""

    measures: Mapping[str, PooledMeasure]
    by_outcome: Mapping[int, tuple[str, ...]]

    @classmethod
    def of(cls, candidate: SupplierCandidate, catalogue: Catalogue) -> Offered:
        measures = offered_measures(candidate)
        by_outcome: dict[int, tuple[str, ...]] = {}
        for code in measures:
            if code in catalogue:
                outcome = catalogue.outcome_of(code)
                by_outcome[outcome] = (*by_outcome.get(outcome, ()), code)
        return cls(measures, by_outcome)

    def related(self, code: str, catalogue: Catalogue) -> str | None:
        """The first offered measure other than `code` under the same outcome, if any."""
        if not self.by_outcome or code not in catalogue:
            return None
        for other in self.by_outcome.get(catalogue.outcome_of(code), ()):
            if other != code:
                return other
        return None


def ask_credits(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    catalogue: Catalogue,
    policy: SupplierPolicy,
    offered: Offered | None = None,
) -> list[AskCredit]:
    """How far the supplier's offers (`offered`, worked out here if not given) meet each
    ask: the quantity against the target, or a related measure's credit."""
    offered = offered or Offered.of(candidate, catalogue)
    credits = []
    for ask in query.measures:
        pooled = offered.measures.get(ask.code)
        direct = 0.0
        if pooled is not None:
            target = ask.target
            direct = 1.0 if target is None or target <= 0 else min(1.0, pooled.quantity / target)
        related = offered.related(ask.code, catalogue)
        credit = max(direct, policy.related_measure_credit if related else 0.0)
        credits.append(AskCredit(ask, credit, pooled, related))
    return credits


def social_value(credits: list[AskCredit]) -> float:
    total_weight = sum(item.ask.weight for item in credits)
    if total_weight <= 0:
        return 0.0
    return min(1.0, sum(item.ask.weight * item.credit for item in credits) / total_weight)


def place(
    query: OpportunityQuery, candidate: SupplierCandidate, policy: SupplierPolicy
) -> tuple[float | None, float]:
    """The distance in metres (None: unknown) and the place credit."""
    if candidate.easting is None or candidate.northing is None:
        return None, 0.0
    distance = math.hypot(candidate.easting - query.easting, candidate.northing - query.northing)
    return distance, place_credit(distance, candidate.service_radius_m, policy)


def local_edge_m(radius_m: float | None, policy: SupplierPolicy) -> float:
    local = policy.local_km * 1000
    return local if radius_m is None else min(radius_m, local)


def place_credit(distance: float, radius_m: float | None, policy: SupplierPolicy) -> float:
    beyond = max(0.0, distance - local_edge_m(radius_m, policy))
    return float(2 ** -(beyond / (policy.half_life_km * 1000)))


def place_bonus(priority: Any, in_area: Any, policy: SupplierPolicy) -> Any:
    """The bonuses for being based in a priority place and in the partnership's area: for
    one supplier (bools) or many (arrays), so the reference and the vectorised scorers share
    one rule (the vectorised one works out a pool's once per policy)."""
    bonus = policy.priority_place_bonus * np.asarray(priority, dtype=np.float64)
    return bonus + policy.in_area_bonus * np.asarray(in_area, dtype=np.float64)


def with_place_bonus(credit: Any, bonus: Any) -> Any:
    """The place credit with the `place_bonus`, capped at 1 (floats or arrays)."""
    return np.minimum(1.0, credit + bonus)


def supplier_values(candidate: SupplierCandidate, policy: SupplierPolicy) -> float:
    sme, vcse, living_wage, charter = policy.value_weights
    return min(
        1.0,
        sme * (candidate.size in SME_SIZES)
        + vcse * candidate.vcse
        + living_wage * candidate.living_wage
        + charter * candidate.charter_signee,
    )


def contributing_offers(credits: list[AskCredit], candidate: SupplierCandidate) -> list[Hashable]:
    """The offers that gave a credited measure, directly or as a related one, in order."""
    found: dict[Hashable, None] = {}
    for item in credits:
        for pooled in (item.offered, candidate.measures.get(item.related or "")):
            if pooled is not None and item.credit > 0:
                found.update(dict.fromkeys(pooled.offers))
    return list(found)


def score_supplier(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    catalogue: Catalogue,
    policy: SupplierPolicy,
    trade_names: Mapping[str, str] | None = None,
) -> SupplierResult | None:
    """The supplier's score and reasons, or None when its trade is not the contract's."""
    fit = trade_fit(query, candidate, policy)
    if fit.credit <= 0:
        return None
    credits = ask_credits(query, candidate, catalogue, policy)
    values = supplier_values(candidate, policy)
    return scored(query, candidate, catalogue, policy, (fit, credits, values), trade_names or {})


def scored(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    catalogue: Catalogue,
    policy: SupplierPolicy,
    parts: tuple[TradeFit, list[AskCredit], float],
    trade_names: Mapping[str, str],
) -> SupplierResult:
    """A pair's result from its trade fit (above 0), ask credits and supplier values."""
    fit, credits, values = parts
    value = social_value(credits)
    distance, by_distance = place(query, candidate, policy)
    near = by_distance
    if distance is not None:
        priority = candidate.priority_place is not None
        bonus = place_bonus(priority, candidate.in_area, policy)
        near = float(with_place_bonus(by_distance, bonus))
    small = very_small(candidate.size, query.value_pence, policy)
    scale = policy.very_small_factor if small else 1.0
    w_value, w_place, w_supplier = policy.mix
    mixed = w_value * value + w_place * near + w_supplier * values
    total = min(1.0, fit.credit * scale * mixed)
    reasons, offers = pair_reasons(query, candidate, catalogue, policy, (fit, credits), trade_names)
    return SupplierResult(
        key=candidate.key,
        score=total,
        trade=fit.credit,
        social_value=value,
        place=near,
        supplier=values,
        scale=scale,
        distance_m=distance,
        reasons=reasons,
        offers=offers,
    )


def pair_reasons(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    catalogue: Catalogue,
    policy: SupplierPolicy,
    parts: tuple[TradeFit, list[AskCredit]],
    trade_names: Mapping[str, str],
) -> tuple[tuple[str, ...], tuple[Hashable, ...]]:
    """Why a pair scores what it does, from its trade fit (above 0) and ask credits, and
    the offers that gave credit: all a stored row needs beyond the vectorised pass's
    numbers."""
    fit, credits = parts
    distance, by_distance = place(query, candidate, policy)
    small = very_small(candidate.size, query.value_pence, policy)
    reasons = explain(
        query, candidate, catalogue, policy, fit, credits, distance, by_distance, small, trade_names
    )
    return reasons, tuple(contributing_offers(credits, candidate))


class PairScorer:
    """Many pairs scored and explained exactly as `score_supplier` does each, with what
    repeats across them worked out once: each supplier's offered measures and the buyer's
    values of it, how two trade codes relate, and the fit of two lists of codes (a full
    rebuild explains about ten pairs per supplier, hundreds per opportunity)."""

    def __init__(
        self, catalogue: Catalogue, policy: SupplierPolicy, trade_names: Mapping[str, str]
    ) -> None:
        self.catalogue, self.policy, self.trade_names = catalogue, policy, trade_names
        self._relations: dict[tuple[str, str], str | None] = {}
        self._fits: dict[tuple[tuple[str, ...], tuple[str, ...]], TradeFit] = {}
        self._suppliers: dict[int, tuple[SupplierCandidate, Offered, float]] = {}
        self._words: dict[str, tuple[str, ...]] = {}

    def relation(self, theirs: str, ours: str) -> str | None:
        key = (theirs, ours)
        if key not in self._relations:
            self._relations[key] = trade_relation(theirs, ours)
        return self._relations[key]

    def words(self, text: str) -> tuple[str, ...]:
        if text not in self._words:
            self._words[text] = words(text)
        return self._words[text]

    def fit(self, query: OpportunityQuery, candidate: SupplierCandidate) -> TradeFit:
        if not (query.trades and candidate.trades):  # the fallback reads both texts
            return trade_fit(query, candidate, self.policy, self.relation, self.words)
        key = (candidate.trades, query.trades)
        if key not in self._fits:
            self._fits[key] = trade_fit(query, candidate, self.policy, self.relation)
        return self._fits[key]

    def supplier(self, candidate: SupplierCandidate) -> tuple[SupplierCandidate, Offered, float]:
        """What the supplier offers and its values' credit, kept with the very candidate
        they were worked out from (so a reused id is never mistaken for it)."""
        known = self._suppliers.get(id(candidate))
        if known is None or known[0] is not candidate:
            offered = Offered.of(candidate, self.catalogue)
            known = (candidate, offered, supplier_values(candidate, self.policy))
            self._suppliers[id(candidate)] = known
        return known

    def score(self, query: OpportunityQuery, candidate: SupplierCandidate) -> SupplierResult | None:
        fit = self.fit(query, candidate)
        if fit.credit <= 0:
            return None
        _, offered, values = self.supplier(candidate)
        credits = ask_credits(query, candidate, self.catalogue, self.policy, offered)
        parts = (fit, credits, values)
        return scored(query, candidate, self.catalogue, self.policy, parts, self.trade_names)

    def reasons(
        self, query: OpportunityQuery, candidate: SupplierCandidate
    ) -> tuple[tuple[str, ...], tuple[Hashable, ...]]:
        """A listed pair's reasons and the offers that gave credit, exactly as `score`
        gives them, without its numbers (a rebuild has them from the vectorised pass)."""
        _, offered, _ = self.supplier(candidate)
        credits = ask_credits(query, candidate, self.catalogue, self.policy, offered)
        parts = (self.fit(query, candidate), credits)
        return pair_reasons(query, candidate, self.catalogue, self.policy, parts, self.trade_names)
