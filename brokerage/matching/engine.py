"""The vectorised scorer: one query against every candidate in a handful of array operations.

`CandidatePool` turns candidates into arrays once (coordinates, radii, date windows, who
offers which measure, outcome and theme, and every word as an id into one vocabulary);
`score_all` scores a query against all of them; `rank` keeps the best and explains them.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz import fuzz, process

from .confirmation import worded_toms
from .model import (
    Candidate,
    Catalogue,
    MatchResult,
    Wanted,
)
from .policy import MatchingPolicy
from .reference import (
    has_something_to_match,
    least_words_alone,
    query_word_weight,
    score_pair,
)
from .text import (
    MAX_TYPO_LENGTH_CHANGE,
    compared_exactly,
    fit_words,
    may_be_typo,
    synonym_cover,
)

TIE_DECIMALS = 9
PARALLEL_TEXT_COMPARISONS = 1_000_000
_NO_DATE_LOW = date.min.toordinal()
_NO_DATE_HIGH = date.max.toordinal()


def _ordinals(values: Sequence[date | None], missing: int) -> np.ndarray:
    return np.array([missing if v is None else v.toordinal() for v in values], dtype=np.int64)


@dataclass(frozen=True)
class Scores:
    """Every candidate's components; `included` is False where the pair is excluded."""

    included: np.ndarray
    distance_m: np.ndarray
    location: np.ndarray
    toms: np.ndarray
    fit: np.ndarray
    total: np.ndarray


class CandidatePool:
    """Candidates as arrays, built once and queried many times."""

    def __init__(self, candidates: Sequence[Candidate], catalogue: Catalogue) -> None:
        self.candidates = tuple(candidates)
        self.catalogue = catalogue
        n = len(self.candidates)
        self.keys = [c.key for c in self.candidates]
        self.easting = np.array([c.easting for c in self.candidates], dtype=np.float64)
        self.northing = np.array([c.northing for c in self.candidates], dtype=np.float64)
        self.radius = np.array(
            [
                math.inf if c.service_radius_m is None else c.service_radius_m
                for c in self.candidates
            ],
            dtype=np.float64,
        )
        self.start = _ordinals([c.start for c in self.candidates], _NO_DATE_LOW)
        self.end = _ordinals([c.end for c in self.candidates], _NO_DATE_HIGH)
        self.priority = np.array([c.in_priority_place for c in self.candidates], dtype=bool)
        self.open = np.array([not c.closed for c in self.candidates], dtype=bool)
        self.remote = np.array([c.remote for c in self.candidates], dtype=bool)
        # Categories as small integers (0: none), so comparing them is one integer pass.
        category_codes: dict[str, int] = {"": 0}
        self.category = np.array(
            [
                category_codes.setdefault((c.category or "").casefold(), len(category_codes))
                for c in self.candidates
            ],
            dtype=np.int32,
        )
        self.category_codes = category_codes
        self._index_measures()
        self._index_words(n)

    def __len__(self) -> int:
        return len(self.candidates)

    def _index_measures(self) -> None:
        """Who offers each measure (and how much), and who offers anything in each outcome/theme."""
        by_measure: dict[int, tuple[list[int], list[float]]] = {}
        by_outcome: dict[int, set[int]] = {}
        by_theme: dict[int, set[int]] = {}
        catalogue = self.catalogue
        for row, candidate in enumerate(self.candidates):
            for code, quantity in candidate.measures.items():
                if code not in catalogue:
                    continue
                rows, quantities = by_measure.setdefault(catalogue.index[code], ([], []))
                rows.append(row)
                quantities.append(math.nan if quantity is None else float(quantity))
                by_outcome.setdefault(catalogue.outcome_of(code), set()).add(row)
                by_theme.setdefault(catalogue.theme_of(code), set()).add(row)
        self.measure_rows = {
            j: (np.array(rows, dtype=np.int64), np.array(q, dtype=np.float64))
            for j, (rows, q) in by_measure.items()
        }
        # Masks, not row lists: most candidates offer something under a popular theme, and a
        # whole-array pass beats gathering and scattering by index at county scale.
        self.outcome_mask = {k: self._mask(v) for k, v in by_outcome.items()}
        self.theme_mask = {k: self._mask(v) for k, v in by_theme.items()}

    def _mask(self, rows: set[int]) -> np.ndarray:
        mask = np.zeros(len(self.candidates), dtype=bool)
        mask[list(rows)] = True
        return mask

    def _index_words(self, n: int) -> None:
        """An inverted index: for each word of the vocabulary, the candidates whose text has it."""
        vocabulary: dict[str, int] = {}
        # Typed buffers, not lists of Python ints: a county of 500,000 has ~10 million words.
        ids = array("i")
        rows = array("i")
        for row, candidate in enumerate(self.candidates):
            text_words = fit_words(candidate.text)
            ids.fromlist([vocabulary.setdefault(word, len(vocabulary)) for word in text_words])
            rows.fromlist([row] * len(text_words))
        self.vocabulary = list(vocabulary)
        self.word_ids = vocabulary
        self._index_typos()
        word_ids = np.frombuffer(ids, dtype=np.int32)
        order = np.argsort(word_ids, kind="stable")
        self.rows_by_word = np.frombuffer(rows, dtype=np.int32)[order]
        del order
        counts = np.bincount(word_ids, minlength=len(vocabulary))
        self.word_row_offsets = np.concatenate([[0], np.cumsum(counts)])
        self._document_frequency = dict(zip(self.vocabulary, counts.tolist(), strict=True))
        self._n = n

    def _index_typos(self) -> None:
        """The words a typo may stand for (long, not synonym tokens), sorted by length, so
        a query word is compared only with words of about its length."""
        typo_ids = [i for i, word in enumerate(self.vocabulary) if not compared_exactly(word)]
        typo_ids.sort(key=lambda i: len(self.vocabulary[i]))
        self.typo_ids = np.array(typo_ids, dtype=np.int64)
        self.typo_words = [self.vocabulary[i] for i in typo_ids]
        self._typo_lengths = np.array([len(word) for word in self.typo_words], dtype=np.int64)

    def typo_range(self, length: int) -> tuple[int, int]:
        """The slice of `typo_words` within MAX_TYPO_LENGTH_CHANGE letters of `length`."""
        low = np.searchsorted(self._typo_lengths, length - MAX_TYPO_LENGTH_CHANGE, "left")
        high = np.searchsorted(self._typo_lengths, length + MAX_TYPO_LENGTH_CHANGE, "right")
        return int(low), int(high)

    def rows_with_word(self, word_id: int) -> np.ndarray:
        return self.rows_by_word[
            self.word_row_offsets[word_id] : self.word_row_offsets[word_id + 1]
        ]

    def word_weight(self, word: str) -> float:
        """Inverse document frequency: rare words say more about fit than common ones."""
        return math.log(1 + self._n / (1 + self._document_frequency.get(word, 0)))


def _location(
    pool: CandidatePool, wanted: Wanted, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    # In place where possible: at county scale each temporary array is megabytes.
    distance = pool.easting - wanted.easting
    np.multiply(distance, distance, out=distance)
    north = pool.northing - wanted.northing
    np.multiply(north, north, out=north)
    distance += north
    np.sqrt(distance, out=distance)
    # 1 within local_km, then halving every half_life_km: 2 ** -(km beyond local / half life).
    score = np.subtract(distance, policy.local_km * 1000, out=north)
    np.maximum(score, 0.0, out=score)
    score *= -1 / (policy.half_life_km * 1000)
    np.exp2(score, out=score)
    # As reference.comes_from_afar: money or goods, or help given remotely, keep a floor.
    if wanted.can_be_sent:
        np.maximum(score, policy.sent_help_location_floor, out=score)
    elif pool.remote.any():
        score[pool.remote] = np.maximum(score[pool.remote], policy.sent_help_location_floor)
    if wanted.in_priority_place:
        score = np.minimum(1.0, score + policy.priority_place_boost)
    elif pool.priority.any():
        boosted = np.minimum(1.0, score[pool.priority] + policy.priority_place_boost)
        score[pool.priority] = boosted
    return distance, score


def _included(pool: CandidatePool, wanted: Wanted, distance: np.ndarray) -> np.ndarray:
    # As reference.is_excluded: a supplier's radius does not bound help that can come from
    # afar (money or goods sent, or help given remotely).
    within = distance <= pool.radius
    if wanted.can_be_sent:
        within.fill(True)
    else:
        within |= pool.remote
    included = within & pool.open
    if wanted.max_distance_m is not None:
        included &= (distance <= wanted.max_distance_m) | pool.remote
    if wanted.start is not None:
        included &= pool.end >= wanted.start.toordinal()
    if wanted.end is not None:
        included &= pool.start <= wanted.end.toordinal()
    return included


def _toms(pool: CandidatePool, wanted: Wanted, policy: MatchingPolicy) -> np.ndarray:
    n = len(pool)
    total_weight = sum(item.weight for item in wanted.measures)
    if total_weight <= 0:
        return np.zeros(n)
    catalogue = pool.catalogue
    weighted = np.zeros(n)
    for item in wanted.measures:
        if item.code not in catalogue:
            continue
        credit = np.zeros(n)
        theme = pool.theme_mask.get(catalogue.theme_of(item.code))
        if theme is not None:
            np.multiply(theme, policy.same_theme_credit, out=credit)
        outcome = pool.outcome_mask.get(catalogue.outcome_of(item.code))
        if outcome is not None:
            np.maximum(credit, outcome * policy.same_outcome_credit, out=credit)
        offered = pool.measure_rows.get(catalogue.index[item.code])
        if offered is not None:
            rows, quantities = offered
            if item.target is None or item.target <= 0:
                cover = np.ones(len(rows))
            else:
                with np.errstate(over="ignore", invalid="ignore"):  # tiny targets: cover is 1
                    ratio = np.minimum(1.0, quantities / item.target / policy.full_cover_share)
                cover = np.nan_to_num(np.where(quantities > 0, ratio, 0.0), nan=0.0)
            # As reference.measure_credit: at least a related measure's credit, the rest by cover.
            floor = policy.same_outcome_credit
            credit[rows] = np.maximum(credit[rows], floor + (1 - floor) * cover)
        weighted += item.weight * credit
    return np.minimum(1.0, weighted / total_weight)


def _text(pool: CandidatePool, wanted: Wanted, policy: MatchingPolicy) -> np.ndarray:
    """Weighted share of query words found (typo-tolerantly) in each candidate's words.

    rapidfuzz compares each query word with the vocabulary words a typo could make of it
    (long words of about its length) once; the inverted index then spreads each similar
    word's similarity to the candidates that use it.
    """
    query = fit_words(wanted.text)
    n = len(pool)
    if not query or not pool.vocabulary:
        return np.zeros(n)
    weight = query_word_weight(wanted.text, pool.word_weight, wanted.place_names)
    weights = np.array([weight(word) for word in query])
    if not weights.sum():  # only place names: nothing that says the help
        return np.zeros(n)
    text = np.zeros(n)
    best = np.empty(n)
    cover = synonym_cover(query)
    for weight, word in zip(weights, query, strict=True):
        similar, similarity = _similar_words(word, pool, policy)
        # As reference.word_matches: a candidate naming the group of a phrase this word
        # spells has found it in full.
        named = [
            pool.word_ids[t] for t, spelt in cover.items() if word in spelt and t in pool.word_ids
        ]
        if named:
            similar = np.append(similar, named)
            similarity = np.append(similarity, np.full(len(named), 100.0))
        if similar.size == 0:
            continue
        best.fill(0.0)
        # Least similar first, so each candidate ends with its most similar word's value:
        # plain assignment, no read-compare-write per row.
        # Each value is already weighted, so adding `best` is the only other whole-array pass.
        for k in np.argsort(similarity, kind="stable"):
            best[pool.rows_with_word(int(similar[k]))] = weight * (similarity[k] / 100)
        text += best
    # A weighted mean of numbers in [0, 1]; clip the float rounding (1.0000000000000002).
    return np.minimum(1.0, text / weights.sum())


def _similar_words(
    word: str, pool: CandidatePool, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """The vocabulary ids of the words similar to `word` and their similarity (0-100): the
    word itself, and for a long word, long words of about its length a typo could make
    of it (as reference.word_matches and text.may_be_typo)."""
    ids = np.empty(0, dtype=np.int64)
    similarity = np.empty(0)
    if not compared_exactly(word):
        low, high = pool.typo_range(len(word))
        if high > low:
            scores = process.cdist(
                [word],
                pool.typo_words[low:high],
                scorer=fuzz.ratio,
                score_cutoff=policy.word_similarity_cutoff * 100,
                dtype=np.float64,
                # Threads only pay off for big comparisons; small ones are faster on one core.
                workers=-1 if high - low > PARALLEL_TEXT_COMPARISONS else 1,
            )[0]
            # As reference.word_matches: alike by ratio, and a typo by text.may_be_typo.
            words = pool.typo_words
            hit = [i for i in np.flatnonzero(scores) if may_be_typo(word, words[low + i])]
            ids, similarity = pool.typo_ids[low:high][hit], scores[hit]
    exact = pool.word_ids.get(word)
    if exact is not None and not np.any(ids == exact):
        ids = np.append(ids, exact)
        similarity = np.append(similarity, 100.0)
    return ids, similarity


def score_all(wanted: Wanted, pool: CandidatePool, policy: MatchingPolicy) -> Scores:
    """Score the query against every candidate at once."""
    distance, location = _location(pool, wanted, policy)
    included = _included(pool, wanted, distance)
    toms = _toms(pool, wanted, policy)
    text = _text(pool, wanted, policy)
    if has_something_to_match(wanted):
        # As reference.is_unrelated: nothing towards any measure and too few words in common.
        included &= (toms > 0) | ((text > 0) & (text >= least_words_alone(wanted, policy)))
    if wanted.measures and fit_words(wanted.text):
        # As reference.toms_in_words: the measures count as far as the words bear them out.
        toms = worded_toms(toms, text, policy)
    fit = text
    if wanted.category:
        wanted_code = pool.category_codes.get(wanted.category.casefold(), -1)
        same = pool.category == wanted_code
        blended = (1 - policy.category_share) * fit + policy.category_share * same
        fit = np.where(pool.category != 0, blended, fit)
    w_location, w_toms, w_fit = policy.component_weights
    total = np.minimum(1.0, w_location * location + w_toms * toms + w_fit * fit)
    return Scores(included, distance, location, toms, fit, total)


def best_rows(total: np.ndarray, eligible: np.ndarray, top_n: int) -> np.ndarray:
    """The `top_n` eligible rows by total, best first; ties keep the pool's order."""
    # Scores equal to 9 decimals are ties (float noise must not decide an order).
    totals = np.round(total[eligible], TIE_DECIMALS)
    if eligible.size > top_n:
        # Keep everything tied with the top_n-th score, so tie-breaking stays exact.
        cutoff = np.partition(totals, eligible.size - top_n)[eligible.size - top_n]
        keep = totals >= cutoff
        eligible, totals = eligible[keep], totals[keep]
    # Sort by score descending, then pool order: lexsort's last key is the primary one.
    return eligible[np.lexsort((eligible, -totals))][:top_n]


def rank(
    wanted: Wanted,
    pool: CandidatePool,
    policy: MatchingPolicy,
    top_n: int = 10,
    min_score: float = 0.0,
) -> list[MatchResult]:
    """The best `top_n` candidates scoring at least `min_score`, best first, with reasons.

    Ties are broken by the candidates' order in the pool, so the ranking is stable.
    """
    scores = score_all(wanted, pool, policy)
    eligible = np.flatnonzero(scores.included & (scores.total >= min_score))
    if eligible.size == 0:
        return []
    order = best_rows(scores.total, eligible, top_n)
    results = []
    for row in order:
        explained = score_pair(
            wanted, pool.candidates[row], pool.catalogue, policy, pool.word_weight
        )
        results.append(
            MatchResult(
                key=pool.keys[row],
                score=float(scores.total[row]),
                location=float(scores.location[row]),
                toms=float(scores.toms[row]),
                fit=float(scores.fit[row]),
                distance_m=float(scores.distance_m[row]),
                reasons=explained.reasons if explained else (),
            )
        )
    return results
