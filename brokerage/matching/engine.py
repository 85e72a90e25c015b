"""The vectorised scorer: one query against every candidate in a handful of array operations.

`CandidatePool` turns candidates into arrays once (coordinates, radii, date windows, who
offers which measure, outcome and theme, and every word as an id into one vocabulary);
`score_all` scores a query against all of them; `rank` keeps the best and explains them.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence

import numpy as np

from .array_rules import (
    NO_DATE_HIGH,
    NO_DATE_LOW,
    Asks,
    Reach,
    Scores,
    TypoIndex,
    combined,
    covers,
    distances,
    in_reach,
    location_scores,
    ordinals,
    related_credit,
)
from .model import (
    Candidate,
    Catalogue,
    MatchResult,
    Wanted,
)
from .policy import MatchingPolicy
from .reference import (
    MostSimilar,
    has_something_to_match,
    least_words_alone,
    measure_credit,
    query_word_weight,
    score_pair,
    words_weigh_measures,
)
from .text import fit_words, synonym_cover

TIE_DECIMALS = 9
# At most this many words' similar words kept by a pool (a few MiB), then forgotten.
SIMILAR_WORDS_KEPT = 50_000


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
        self.start = ordinals([c.start for c in self.candidates], NO_DATE_LOW)
        self.end = ordinals([c.end for c in self.candidates], NO_DATE_HIGH)
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
        # Each query word's similar words in the vocabulary, by word and cutoff (_similar_words),
        # and the same as (word, similarity) for explaining pairs (most_similar).
        self.similar_words: dict[tuple[str, float], tuple[np.ndarray, np.ndarray]] = {}
        self.similar_word_lists: dict[tuple[str, float], list[tuple[str, float]]] = {}

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
        self.typos = TypoIndex(self.vocabulary)
        word_ids = np.frombuffer(ids, dtype=np.int32)
        order = np.argsort(word_ids, kind="stable")
        # As the platform's index type: NumPy converts an int32 index array on every use,
        # and each query scatters its words' rows (at 10,000 suppliers a rebuild's _text
        # 1.1-1.5 -> 0.6-0.8 ms a seeker).
        self.rows_by_word = np.frombuffer(rows, dtype=np.int32)[order].astype(np.intp)
        del order
        counts = np.bincount(word_ids, minlength=len(vocabulary))
        self.word_row_offsets = np.concatenate([[0], np.cumsum(counts)])
        self._document_frequency = dict(zip(self.vocabulary, counts.tolist(), strict=True))
        self._n = n

    def rows_with_word(self, word_id: int) -> np.ndarray:
        return self.rows_by_word[
            self.word_row_offsets[word_id] : self.word_row_offsets[word_id + 1]
        ]

    def word_weight(self, word: str) -> float:
        """Inverse document frequency: rare words say more about fit than common ones."""
        return math.log(1 + self._n / (1 + self._document_frequency.get(word, 0)))

    def most_similar(self, policy: MatchingPolicy) -> MostSimilar:
        """reference.most_similar_compared for this pool's candidates under `policy`, from the
        similar words `score_all` already found in the vocabulary: a query word's few similar words
        looked up among the candidate's, rather than each candidate word of about its length
        compared with it, pair after pair (most of explaining a rebuild's pairs)."""
        places: dict[str, int] = {}
        last: list[tuple[str, ...]] = [()]

        def find(
            word: str, candidate: tuple[str, ...], threshold: float
        ) -> tuple[str | None, float]:
            if candidate is not last[0]:  # a pair's query words meet the same candidate
                last[0] = candidate
                places.clear()
                for position, other in enumerate(candidate):
                    places.setdefault(other, position)
            best_word, best, first = None, 0.0, len(candidate)
            for other, similarity in _similar_word_list(word, self, policy):
                place = places.get(other)
                if place is None or similarity < threshold:
                    continue
                if similarity > best or (similarity == best and place < first):
                    best_word, best, first = other, similarity, place
            return best_word, best

        return find


class ProbePool(CandidatePool):
    """A few candidates scored as if they were in `full`: its catalogue and its words'
    rarity. One query against a probe of one candidate is the per-query reference that
    `queries.score_against` (one candidate against every query) is checked and timed against.
    """

    def __init__(self, candidates: Sequence[Candidate], full: CandidatePool) -> None:
        super().__init__(candidates, full.catalogue)
        self._full = full

    def word_weight(self, word: str) -> float:
        return self._full.word_weight(word)


def _location(
    pool: CandidatePool, wanted: Wanted, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    distance = distances(pool.easting, pool.northing, wanted.easting, wanted.northing)
    from_afar = True if wanted.can_be_sent else pool.remote
    priority = True if wanted.in_priority_place else pool.priority
    return distance, location_scores(distance, policy, from_afar, priority)


def _included(pool: CandidatePool, wanted: Wanted, distance: np.ndarray) -> np.ndarray:
    reach = Reach(
        radius=pool.radius,
        is_open=pool.open,
        remote=pool.remote,
        start=pool.start,
        end=pool.end,
        max_distance=wanted.max_distance_m,
        sent=wanted.can_be_sent,
        wanted_start=None if wanted.start is None else wanted.start.toordinal(),
        wanted_end=None if wanted.end is None else wanted.end.toordinal(),
    )
    return in_reach(distance, reach)


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
        credit[:] = related_credit(
            pool.theme_mask.get(catalogue.theme_of(item.code), False),
            pool.outcome_mask.get(catalogue.outcome_of(item.code), False),
            policy,
        )
        offered = pool.measure_rows.get(catalogue.index[item.code])
        if offered is not None:
            rows, quantities = offered
            target = math.nan if item.target is None else item.target
            right = measure_credit(covers(quantities, target, policy), policy)
            credit[rows] = np.maximum(credit[rows], right)
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
    of it (as reference.word_matches and text.may_be_typo). Kept by the pool, read only:
    a rebuild's thousands of queries say the same words again and again."""
    key = (word, policy.word_similarity_cutoff)
    found = pool.similar_words.get(key)
    if found is None:
        if len(pool.similar_words) >= SIMILAR_WORDS_KEPT:
            pool.similar_words.clear()
        found = pool.similar_words[key] = _similar_in_vocabulary(word, pool, policy)
    return found


def _similar_word_list(
    word: str, pool: CandidatePool, policy: MatchingPolicy
) -> list[tuple[str, float]]:
    """`_similar_words` as (vocabulary word, similarity) pairs, kept as it is."""
    key = (word, policy.word_similarity_cutoff)
    found = pool.similar_word_lists.get(key)
    if found is None:
        if len(pool.similar_word_lists) >= SIMILAR_WORDS_KEPT:
            pool.similar_word_lists.clear()
        ids, similarity = _similar_words(word, pool, policy)
        found = pool.similar_word_lists[key] = [
            (pool.vocabulary[i], s) for i, s in zip(ids.tolist(), similarity.tolist(), strict=True)
        ]
    return found


def _similar_in_vocabulary(
    word: str, pool: CandidatePool, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    ids, scores = pool.typos.similar(word, policy)
    hit = np.flatnonzero(scores)
    ids, similarity = ids[hit], scores[hit]
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
    categorised: bool | np.ndarray = False
    same_category: bool | np.ndarray = False
    if wanted.category:
        categorised = pool.category != 0
        same_category = pool.category == pool.category_codes.get(wanted.category.casefold(), -1)
    asks = Asks(
        something=has_something_to_match(wanted),
        worded=words_weigh_measures(wanted),
        least_words=least_words_alone(wanted, policy),
        categorised=categorised,
        same_category=same_category,
    )
    return combined(included, distance, location, toms, text, asks, policy)


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
