"""The published world as the matching core sees it, loaded once per recompute.

Every published offer sits in one candidate pool; every published opportunity and need is
a query against it. A pair is always scored from the seeking side (does the offer meet
what the opportunity or need asks for?), so the offer's own rankings of needs and of
opportunities use the same scores as the seekers' rankings of offers: one number per pair,
whichever page shows it.
Pairs in a seeker's top N are stored with their reasons (the matching core's
`explain_scored`), since the seeker's page shows them; pairs kept only for an offer's own
ranking are not, and `explain_stored` works out the reasons of the few such a page shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..listings.models import Listing, Need, Offer, Opportunity
from ..matching import Candidate, CandidatePool, Catalogue, MatchingPolicy, Wanted, score_all
from ..matching.engine import TIE_DECIMALS, Scores
from ..matching.queries import QueryPool, look_up_similar_words, score_against
from ..matching.reference import MostSimilar, explain_scored
from ..toms.service import matching_catalogue
from .candidates import PAIRINGS, ListingRow, measures_table, published_rows
from .models import Match, MatchingPolicyVersion
from .policy import PolicyInForce, policy_in_force

TOP_N = 10
# Below this total a pair is not worth showing anyone, however few matches a listing has.
MIN_SCORE = 0.2


@dataclass(frozen=True)
class Side:
    """Seekers of one kind, matched with offers: each seeker keeps its top N offers and each
    offer its top N of these seekers (an offer's page lists its best needs and opportunities,
    however far down their own rankings it comes)."""

    model: type[Listing]
    column: str


SIDES = (Side(Opportunity, "opportunity_id"), Side(Need, "need_id"))
SIDE_OF: dict[type[Listing], Side] = {side.model: side for side in SIDES}


@dataclass(frozen=True)
class Listings:
    """Published listings of one kind in id order, with their organisations, indexed by id."""

    rows: list[ListingRow]
    ids: np.ndarray
    organisations: np.ndarray
    index: dict[int, int]

    @classmethod
    def of(cls, rows: Sequence[ListingRow]) -> Listings:
        return cls(
            list(rows),
            np.array([row.id for row in rows], dtype=np.int64),
            np.array([row.organisation_id for row in rows], dtype=np.int64),
            {row.id: i for i, row in enumerate(rows)},
        )

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class PairScore:
    """A pair's total and components, as stored."""

    score: float
    location: float
    toms: float
    fit: float
    distance_m: float


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


def weakest_kept(rounded: np.ndarray, kept_by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For running best-N arrays (one row per offer or supplier; `rounded` its kept scores
    rounded as best() compares them, `kept_by` who holds each slot, -1 none): each row's
    weakest slot and its score. The lowest score, and of equal ones the newest seeker (best()
    ranks it below the older); an empty slot first."""
    floor = rounded.min(axis=1)
    at_floor = rounded == floor[:, np.newaxis]
    return np.where(at_floor, kept_by, -2).argmax(axis=1), floor


def values_by_id(
    keys: np.ndarray,
    ids: np.ndarray,
    values: np.ndarray,
    default: float,
    sorter: np.ndarray | None = None,
) -> np.ndarray:
    """`values` (one per id of `ids`) placed where their id is in `keys` (sorted, or in
    the order `sorter` gives), `default` elsewhere; ids not in `keys` are left out."""
    placed = np.full(len(keys), default)
    if len(ids) and len(keys):
        rows = np.searchsorted(keys, ids, sorter=sorter)
        rows = np.minimum(rows, len(keys) - 1)
        if sorter is not None:
            rows = sorter[rows]
        held = keys[rows] == ids
        placed[rows[held]] = values[held]
    return placed


# What a rebuild keeps of each ranked pair, in this order (columns of its arrays).
PARTS = ("score", "location_score", "toms_score", "fit_score", "distance_m")


@dataclass(frozen=True)
class Ranked:
    """One side's pairs to store, as parallel arrays: scene indices, ranks (0: not in
    that side's top N) and the columns of PARTS."""

    seekers: np.ndarray
    offers: np.ndarray
    seeker_rank: np.ndarray
    offer_rank: np.ndarray
    parts: np.ndarray


def offer_ranks(
    offers: np.ndarray, seekers: np.ndarray, parts: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Rank each offer's kept seekers: best score first, then the older seeker (as best())."""
    order = np.lexsort((seekers, -np.round(parts[:, 0], TIE_DECIMALS), offers))
    offers, seekers, parts = offers[order], seekers[order], parts[order]
    starts = np.flatnonzero(np.r_[True, offers[1:] != offers[:-1]])
    sizes = np.diff(np.r_[starts, offers.size])
    ranks = np.arange(offers.size) - np.repeat(starts, sizes) + 1
    return seekers, offers, ranks, parts


def merged_pairs(
    by_seeker: tuple[np.ndarray, ...], by_offer: tuple[np.ndarray, ...], n_offers: int
) -> Ranked:
    """One pair per (seeker, offer) with both its ranks; the same pair has the same parts
    in both rankings (they come from the same pass)."""
    n_offers = max(n_offers, 1)
    key_s = by_seeker[0] * n_offers + by_seeker[1]
    key_o = by_offer[0] * n_offers + by_offer[1]
    keys, first = np.unique(np.r_[key_s, key_o], return_index=True)
    parts = np.concatenate([by_seeker[3], by_offer[3]])[first]
    seeker_rank = np.zeros(keys.size, dtype=np.int64)
    seeker_rank[np.searchsorted(keys, key_s)] = by_seeker[2]
    offer_rank = np.zeros(keys.size, dtype=np.int64)
    offer_rank[np.searchsorted(keys, key_o)] = by_offer[2]
    return Ranked(keys // n_offers, keys % n_offers, seeker_rank, offer_rank, parts)


def storable_totals(scores: Scores, other_organisation: np.ndarray) -> np.ndarray:
    """The totals of the pairs that may be stored, -inf elsewhere: included, at least
    MIN_SCORE, and not an organisation matched with itself."""
    keep = scores.included & (scores.total >= MIN_SCORE) & other_organisation
    return np.where(keep, scores.total, -np.inf)


# Each side's last QueryPool in this process (see Scene.queries).
_QUERY_POOLS: dict[type[Listing], QueryPool] = {}


def _same_objects(these: Sequence[object], those: Sequence[object]) -> bool:
    return len(these) == len(those) and all(a is b for a, b in zip(these, those, strict=True))


@dataclass(frozen=True)
class Loaded:
    """What a Scene reads of the published world, loaded beforehand (a process's kept
    world, `kept`): the offers, their candidates and pool, and each side's seekers."""

    offers: Listings
    candidates: list[Candidate]
    pool: CandidatePool
    seekers: Mapping[type[Listing], tuple[Listings, list[Wanted]]]


class Scene:
    """Published offers, opportunities and needs with the policy in force; read from the
    database when first needed, or given as `loaded`."""

    def __init__(self, loaded: Loaded | None = None) -> None:
        self.in_force: PolicyInForce = policy_in_force()
        self.catalogue: Catalogue = matching_catalogue()
        self._loaded = loaded
        self._seekers: dict[type[Listing], tuple[Listings, list]] = dict(
            loaded.seekers if loaded else {}
        )
        self._queries: dict[type[Listing], QueryPool] = {}

    @cached_property
    def offers(self) -> Listings:
        return self._loaded.offers if self._loaded else Listings.of(published_rows(Offer))

    @cached_property
    def candidates(self) -> list[Candidate]:
        if self._loaded:
            return self._loaded.candidates
        return PAIRINGS[Opportunity].candidates(self.offers.rows)

    @cached_property
    def pool(self) -> CandidatePool:
        if self._loaded:
            return self._loaded.pool
        return CandidatePool(self.candidates, self.catalogue)

    def seekers(self, side: Side) -> tuple[Listings, list]:
        """The side's published seekers and, for each, what it asks for (`Wanted`)."""
        if side.model not in self._seekers:
            listings = Listings.of(published_rows(side.model))
            wanted = [PAIRINGS[side.model].wanted(row) for row in listings.rows]
            self._seekers[side.model] = (listings, wanted)
        return self._seekers[side.model]

    def seeker_scores(
        self, side: Side, seeker: int, policy: MatchingPolicy | None = None
    ) -> Scores:
        """One seeker against every offer, with its components, under `policy` (default: the
        policy in force); the total is -inf where the pair may not be stored."""
        listings, wanted = self.seekers(side)
        scores = score_all(wanted[seeker], self.pool, policy or self.in_force.policy)
        others = self.offers.organisations != listings.organisations[seeker]
        return replace(scores, total=storable_totals(scores, others))

    def seeker_totals(self, side: Side, seeker: int) -> np.ndarray:
        """One seeker's total against every offer; -inf where the pair may not be stored."""
        return self.seeker_scores(side, seeker).total

    def queries(self, side: Side) -> QueryPool:
        """The side's seekers as one `QueryPool`, to score offers against them all at once;
        kept by the process (`_QUERY_POOLS`) while the catalogue is the same, and updated
        with only the seekers whose `Wanted` is not the very one it holds: a kept world
        (`kept`) hands the same objects to each recompute, and new ones for seekers saved.
        Looked up once per scene, whose seekers do not change, not compared with the kept
        pool again for each offer a save rescans (5,000 needs, ~0.3 ms a comparison)."""
        if side.model in self._queries:
            return self._queries[side.model]
        _, wanted = self.seekers(side)
        built = _QUERY_POOLS.get(side.model)
        if built is None or built.catalogue is not self.catalogue:
            built = _QUERY_POOLS[side.model] = QueryPool(wanted, self.catalogue)
        elif not _same_objects(built.queries, wanted):
            built = _QUERY_POOLS[side.model] = built.updated(wanted)
        self._queries[side.model] = built
        return built

    def offer_scores(self, side: Side, offer: int) -> Scores:
        """One offer against every seeker of the side, with its components, with the whole
        pool's word weights (as in a rebuild)."""
        return score_against(
            self.candidates[offer],
            self.queries(side),
            self.pool.word_weight,
            self.in_force.policy,
        )

    def look_up_words(self, side: Side, offers: Sequence[int]) -> None:
        """Find the similar words of these offers' words among the side's seekers' in one
        pass, before the offers are scored one by one (a save rescores dozens)."""
        candidates = [self.candidates[offer] for offer in offers]
        look_up_similar_words(candidates, self.queries(side), self.in_force.policy)

    def storable_offer_scores(self, side: Side, offer: int) -> Scores:
        """`offer_scores`, with the total -inf where the pair may not be stored."""
        listings, _ = self.seekers(side)
        scores = self.offer_scores(side, offer)
        others = listings.organisations != self.offers.organisations[offer]
        return replace(scores, total=storable_totals(scores, others))

    def offer_totals(self, side: Side, offers: Sequence[int]) -> np.ndarray:
        """Every seeker's total against each of `offers` (rows: seekers; columns: offers);
        -inf where the pair may not be stored."""
        listings, _ = self.seekers(side)
        totals = np.full((len(listings), len(offers)), -np.inf)
        for column, offer in enumerate(offers):
            totals[:, column] = self.storable_offer_scores(side, offer).total
        return totals

    @cached_property
    def _most_similar(self) -> MostSimilar:
        return self.pool.most_similar(self.in_force.policy)

    def reasons(
        self, side: Side, seeker: int, offer: int, distance_m: float, fit: float
    ) -> list[str]:
        """Why the stored pair scores as it does, under the policy in force (the words in
        common found from the pool's similar words, as the scorer found them)."""
        _, wanted = self.seekers(side)
        return list(
            explain_scored(
                wanted[seeker],
                self.candidates[offer],
                self.catalogue,
                self.in_force.policy,
                distance_m,
                fit,
                self._most_similar,
            )
        )

    def pair(self, side: Side, seeker: int, offer: int) -> PairScore | None:
        """One pair's score and components from the vectorised scorer, with the whole
        pool's word weights (as in a rebuild); None if the pair is out of reach."""
        _, wanted = self.seekers(side)
        one = QueryPool([wanted[seeker]], self.catalogue)
        scores = score_against(
            self.candidates[offer], one, self.pool.word_weight, self.in_force.policy
        )
        if not scores.included[0]:
            return None
        parts = (scores.total, scores.location, scores.toms, scores.fit, scores.distance_m)
        return PairScore(*(float(part[0]) for part in parts))


# Reasons, worked out when a match is shown -----------------------------------------------


def explain_stored(matches: Sequence[Match]) -> None:
    """Give each match without stored reasons its reasons (`Match.explained`), kept on the
    object only. Rebuilds store only seekers' top N: explaining every pair (offers' own
    rankings too) took most of a rebuild.

    Each pair is explained by the reference scorer's own steps, from the two listings as
    they are, the policy version that scored it and its stored distance. The description
    fit is read back from the stored fit: the words' rarity across every published offer,
    which weighed it, would mean loading them all for one page.
    """
    todo = [m for m in matches if m.stored_reasons is None and m.explained is None]
    if not todo:
        return
    _load_measures([listing for m in todo for listing in (m.offer, m.seeker)])
    catalogue = matching_catalogue()
    policies = _policies({m.policy_version for m in todo})
    offers = list({m.offer_id: m.offer for m in todo}.values())
    offered = dict(
        zip([o.id for o in offers], PAIRINGS[Opportunity].candidates(offers), strict=True)
    )
    wanted: dict[tuple[type[Listing], int], Wanted] = {}
    for match in todo:
        seeker = match.seeker
        key = (type(seeker), seeker.id)
        if key not in wanted:
            wanted[key] = PAIRINGS[type(seeker)].wanted(seeker)
        match.explained = explain_scored(
            wanted[key],
            offered[match.offer_id],
            catalogue,
            policies[match.policy_version],
            match.distance_m,
            match.fit_score,
        )


def _load_measures(listings: Iterable[Listing]) -> None:
    """Load the measures of the listings that have not loaded them: one query per kind of
    listing, not one per listing."""
    unloaded: dict[type[Listing], dict[int, Listing]] = {}
    for listing in listings:
        if "measures" in inspect(listing).unloaded:
            unloaded.setdefault(type(listing), {})[listing.id] = listing
    for model, by_id in unloaded.items():
        measure_model, parent = measures_table(model)
        found: dict[int, list[Any]] = {listing_id: [] for listing_id in by_id}
        for measure in db.session.scalars(
            select(measure_model).where(parent.in_(by_id)).order_by(measure_model.id)
        ):
            found[getattr(measure, parent.key)].append(measure)
        for listing_id, measures in found.items():
            set_committed_value(by_id[listing_id], "measures", measures)


def _policies(versions: set[int]) -> dict[int, MatchingPolicy]:
    """The policy of each version (0: the built-in defaults)."""
    found = db.session.scalars(
        select(MatchingPolicyVersion).where(MatchingPolicyVersion.version.in_(versions))
    )
    policies = {row.version: MatchingPolicy.from_dict(row.settings) for row in found}
    return {version: policies.get(version, MatchingPolicy()) for version in versions}
