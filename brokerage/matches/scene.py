"""The published world as the matching core sees it, loaded once per recompute.

Every published offer sits in one candidate pool; every published opportunity and need is
a query against it. A pair is always scored from the seeking side (does the offer meet
what the opportunity or need asks for?), so the offer's own ranking of needs uses the same
scores as the needs' rankings of offers: one number per pair, whichever page shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..listings.models import Listing, Need, Offer, Opportunity
from ..matching import Candidate, CandidatePool, Catalogue, MatchResult, score_all, score_pair
from ..matching.engine import TIE_DECIMALS
from ..toms.service import matching_catalogue
from .candidates import PAIRINGS, published
from .policy import PolicyInForce, policy_in_force

TOP_N = 10
# Below this total a pair is not worth showing anyone, however few matches a listing has.
MIN_SCORE = 0.2


@dataclass(frozen=True)
class Side:
    """Seekers of one kind, matched with offers; `offer_side`: offers keep a top N of them
    too (an offer's page lists needs; opportunities are found from the buyer's side)."""

    model: type[Listing]
    column: str
    offer_side: bool


SIDES = (Side(Opportunity, "opportunity_id", False), Side(Need, "need_id", True))
SIDE_OF: dict[type[Listing], Side] = {side.model: side for side in SIDES}


@dataclass(frozen=True)
class Listings:
    """Published listings of one kind in id order, with their organisations, indexed by id."""

    rows: list[Listing]
    ids: np.ndarray
    organisations: np.ndarray
    index: dict[int, int]

    @classmethod
    def of(cls, rows: Sequence[Listing]) -> Listings:
        return cls(
            list(rows),
            np.array([row.id for row in rows], dtype=np.int64),
            np.array([row.organisation_id for row in rows], dtype=np.int64),
            {row.id: i for i, row in enumerate(rows)},
        )

    def __len__(self) -> int:
        return len(self.rows)


class _Probe(CandidatePool):
    """A few offers scored as if they were in the full pool: same rare-word weights."""

    def __init__(self, candidates: Sequence[Candidate], full: CandidatePool) -> None:
        super().__init__(candidates, full.catalogue)
        self._full = full

    def word_weight(self, word: str) -> float:
        return self._full.word_weight(word)


def best(totals: np.ndarray, top_n: int | None = None) -> list[int]:
    """Indices of the `top_n` (default TOP_N) best finite totals, best first; ties go to
    the lower index (the older listing), as in the matching core's rank()."""
    top_n = top_n or TOP_N
    eligible = np.flatnonzero(np.isfinite(totals))
    if eligible.size > top_n:
        rounded = np.round(totals[eligible], TIE_DECIMALS)
        cutoff = np.partition(rounded, eligible.size - top_n)[eligible.size - top_n]
        eligible = eligible[rounded >= cutoff]
    rounded = np.round(totals[eligible], TIE_DECIMALS)
    return eligible[np.lexsort((eligible, -rounded))][:top_n].tolist()


class Scene:
    """Published offers, opportunities and needs with the policy in force."""

    def __init__(self) -> None:
        self.in_force: PolicyInForce = policy_in_force()
        self.catalogue: Catalogue = matching_catalogue()
        self._seekers: dict[type[Listing], tuple[Listings, list]] = {}
        self._word_weights: dict[str, float] = {}

    @cached_property
    def offers(self) -> Listings:
        return Listings.of(published(Offer))

    @cached_property
    def candidates(self) -> list[Candidate]:
        return PAIRINGS[Opportunity].candidates(self.offers.rows)

    @cached_property
    def pool(self) -> CandidatePool:
        return CandidatePool(self.candidates, self.catalogue)

    def seekers(self, side: Side) -> tuple[Listings, list]:
        """The side's published seekers and, for each, what it asks for (`Wanted`)."""
        if side.model not in self._seekers:
            listings = Listings.of(published(side.model))
            wanted = [PAIRINGS[side.model].wanted(row) for row in listings.rows]
            self._seekers[side.model] = (listings, wanted)
        return self._seekers[side.model]

    def seeker_totals(self, side: Side, seeker: int) -> np.ndarray:
        """One seeker's total against every offer; -inf where the pair may not be stored."""
        listings, wanted = self.seekers(side)
        scores = score_all(wanted[seeker], self.pool, self.in_force.policy)
        keep = (
            scores.included
            & (scores.total >= MIN_SCORE)
            & (self.offers.organisations != listings.organisations[seeker])
        )
        return np.where(keep, scores.total, -np.inf)

    def offer_totals(self, side: Side, offers: Sequence[int]) -> np.ndarray:
        """Every seeker's total against each of `offers` (rows: seekers; columns: offers)."""
        listings, wanted = self.seekers(side)
        probe = _Probe([self.candidates[o] for o in offers], self.pool)
        organisations = self.offers.organisations[list(offers)]
        totals = np.full((len(listings), len(offers)), -np.inf)
        for seeker, query in enumerate(wanted):
            scores = score_all(query, probe, self.in_force.policy)
            keep = (
                scores.included
                & (scores.total >= MIN_SCORE)
                & (organisations != listings.organisations[seeker])
            )
            totals[seeker] = np.where(keep, scores.total, -np.inf)
        return totals

    def explain(self, side: Side, seeker: int, offer: int) -> MatchResult | None:
        """The pair scored one at a time, with its reasons (the core's reference scorer)."""
        _, wanted = self.seekers(side)
        return score_pair(
            wanted[seeker],
            self.candidates[offer],
            self.catalogue,
            self.in_force.policy,
            self._word_weight,
        )

    def _word_weight(self, word: str) -> float:
        """The pool's word weight, remembered: a rebuild explains each word thousands of times."""
        weight = self._word_weights.get(word)
        if weight is None:
            weight = self._word_weights[word] = self.pool.word_weight(word)
        return weight
