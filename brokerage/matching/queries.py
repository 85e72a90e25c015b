"""One candidate against many queries: `engine.score_all` the other way round.

A saved offer's place among every published need and opportunity is a column of scores, one
per seeker. `QueryPool` turns the seekers' `Wanted` into arrays once (places, reaches, date
windows, categories, and measures and words as sparse (query, item) pairs over one small
vocabulary); `score_against` then scores one candidate against all of them in a handful of
array passes. Each query's scores are those `score_all` gives it against a pool of that one
candidate with the full pool's word weights (`ProbePool`), to 1e-9: both directions apply
the rules of `array_rules`.
"""

from __future__ import annotations

import math
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
from .engine import SIMILAR_WORDS_KEPT
from .model import Candidate, Catalogue, Wanted
from .policy import MatchingPolicy
from .reference import (
    WordWeight,
    has_something_to_match,
    least_words_when,
    measure_credit,
    title_factor,
    words_weigh_measures,
)
from .text import fit_words, place_stems, synonym_cover, title_fit_words


class QueryPool:
    """Queries as arrays, built once and scored against many candidates."""

    def __init__(self, queries: Sequence[Wanted], catalogue: Catalogue) -> None:
        self.queries = tuple(queries)
        self.catalogue = catalogue
        self.easting = np.array([q.easting for q in self.queries], dtype=np.float64)
        self.northing = np.array([q.northing for q in self.queries], dtype=np.float64)
        self.max_distance = np.array(
            [math.inf if q.max_distance_m is None else q.max_distance_m for q in self.queries],
            dtype=np.float64,
        )
        self.start = ordinals([q.start for q in self.queries], NO_DATE_LOW)
        self.end = ordinals([q.end for q in self.queries], NO_DATE_HIGH)
        self.priority = np.array([q.in_priority_place for q in self.queries], dtype=bool)
        self.can_be_sent = np.array([q.can_be_sent for q in self.queries], dtype=bool)
        # Categories as small integers (0: none), as CandidatePool's.
        self.category_codes: dict[str, int] = {"": 0}
        self.category = np.array(
            [
                self.category_codes.setdefault(
                    (q.category or "").casefold(), len(self.category_codes)
                )
                for q in self.queries
            ],
            dtype=np.int32,
        )
        self._index_measures()
        self._index_words()
        self._word_weights: tuple[WordWeight, np.ndarray, np.ndarray] | None = None
        # Each candidate word's similar vocabulary words, by word and cutoff (_typos_of).
        self.similar_words: dict[tuple[str, float], tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.queries)

    def updated(self, queries: Sequence[Wanted]) -> QueryPool:
        """A pool of `queries` that scores as `QueryPool(queries, self.catalogue)` does, made
        from this one: a query that is the very object this pool holds keeps its arrays and
        only the others are read (a saved seeker among thousands is one query read, not all).
        Words new to the pool join the end of its vocabulary; words no query uses any more
        stay in it, matching nothing, until a pool is built afresh."""
        position = {id(query): i for i, query in enumerate(self.queries)}
        kept = np.array([position.get(id(query), -1) for query in queries], dtype=np.int64)
        fresh_at = np.flatnonzero(kept < 0)
        if 2 * fresh_at.size > len(queries) or len(self.vocabulary) > 2 * _words_used(self):
            return QueryPool(queries, self.catalogue)
        fresh = QueryPool([queries[i] for i in fresh_at.tolist()], self.catalogue)
        # Each query's arrays come from this pool's rows, or after them from the fresh one's.
        source = kept
        source[fresh_at] = len(self) + np.arange(len(fresh))
        moved_to = np.full(len(self) + len(fresh), -1, dtype=np.int64)
        moved_to[source] = np.arange(len(queries))
        pool = QueryPool.__new__(QueryPool)
        pool.queries, pool.catalogue = tuple(queries), self.catalogue
        for name in _PER_QUERY:
            setattr(pool, name, _joined(self, fresh, name)[source])
        pool.category_codes = dict(self.category_codes)
        codes = [
            pool.category_codes.setdefault(code, len(pool.category_codes))
            for code in fresh.category_codes
        ]
        pool.category = np.r_[self.category, np.array(codes, dtype=np.int32)[fresh.category]][
            source
        ]
        pool.word_ids = dict(self.word_ids)
        word_ids = np.array(
            [pool.word_ids.setdefault(word, len(pool.word_ids)) for word in fresh.vocabulary],
            dtype=np.int64,
        )
        pool.vocabulary = list(pool.word_ids)
        pool.typos = (
            self.typos
            if len(pool.vocabulary) == len(self.vocabulary)
            else TypoIndex(pool.vocabulary)
        )
        pool.similar_words = self.similar_words if pool.typos is self.typos else {}
        _regroup(pool, self, fresh, moved_to, _PER_MEASURE)
        order = _regroup(pool, self, fresh, moved_to, _PER_WORD)
        pool.pair_word = np.r_[self.pair_word, word_ids[fresh.pair_word]][order]
        # Synonym cover names pairs by their place in the pair arrays: follow them there.
        place = np.full(len(self.pair_word) + len(fresh.pair_word), -1, dtype=np.int64)
        place[order] = np.arange(order.size)
        cover_pair = place[np.r_[self.cover_pair, fresh.cover_pair + len(self.pair_word)]]
        cover_token = np.r_[self.cover_token, word_ids[fresh.cover_token]]
        pool.cover_pair, pool.cover_token = (
            cover_pair[cover_pair >= 0],
            cover_token[cover_pair >= 0],
        )
        pool.has_words = np.bincount(pool.pair_query, minlength=len(pool)) > 0
        pool._word_weights = None
        return pool

    def _index_measures(self) -> None:
        """Every (query, wanted measure) known to the catalogue, with its weight, target
        (NaN: none), outcome and theme; and each query's total weight (unknown codes too)."""
        catalogue = self.catalogue
        known = [
            (query, item)
            for query, wanted in enumerate(self.queries)
            for item in wanted.measures
            if item.code in catalogue
        ]
        self.measure_query = np.array([query for query, _ in known], dtype=np.int64)
        self.measure = np.array([catalogue.index[i.code] for _, i in known], dtype=np.int64)
        self.measure_theme = np.array([catalogue.theme_of(i.code) for _, i in known], np.int64)
        self.measure_outcome = np.array(
            [catalogue.outcome_of(i.code) for _, i in known], dtype=np.int64
        )
        self.measure_weight = np.array([i.weight for _, i in known], dtype=np.float64)
        self.measure_target = np.array(
            [math.nan if i.target is None else i.target for _, i in known], dtype=np.float64
        )
        self.total_weight = np.array(
            [sum(item.weight for item in q.measures) for q in self.queries], dtype=np.float64
        )

    def _index_words(self) -> None:
        """Every (query, fit word) in the query's order, as ids into one vocabulary, with
        the word's title factor; and the (pair, synonym token) where a candidate naming the
        token finds the pair's word in full (text.synonym_cover)."""
        vocabulary: dict[str, int] = {}
        pair_query: list[int] = []
        pair_word: list[int] = []
        factors: list[float] = []
        cover_pair: list[int] = []
        cover_token: list[int] = []
        # Read right after fit_words, whose cache then holds the query's words.
        something: list[bool] = []
        worded: list[bool] = []
        for query, wanted in enumerate(self.queries):
            words = fit_words(wanted.text)
            something.append(has_something_to_match(wanted))
            worded.append(words_weigh_measures(wanted))
            if not words:
                continue
            titled = title_fit_words(wanted.text)
            first = len(pair_word)
            pair_query.extend([query] * len(words))
            pair_word.extend([vocabulary.setdefault(word, len(vocabulary)) for word in words])
            places = place_stems(wanted.place_names)
            factors.extend([title_factor(word, titled, places) for word in words])
            for token, spelt in synonym_cover(words).items():
                for offset, word in enumerate(words):
                    if word in spelt:
                        cover_pair.append(first + offset)
                        cover_token.append(vocabulary[token])
        self.vocabulary = list(vocabulary)
        self.word_ids = vocabulary
        self.pair_query = np.array(pair_query, dtype=np.int64)
        self.pair_word = np.array(pair_word, dtype=np.int64)
        self.pair_factor = np.array(factors, dtype=np.float64)
        self.cover_pair = np.array(cover_pair, dtype=np.int64)
        self.cover_token = np.array(cover_token, dtype=np.int64)
        self.has_words = np.bincount(self.pair_query, minlength=len(self)) > 0
        self.asks_something = np.array(something, dtype=bool)
        self.asks_in_words = np.array(worded, dtype=bool)
        self.asks_measures = np.array([bool(q.measures) for q in self.queries], dtype=bool)
        self.typos = TypoIndex(self.vocabulary)

    def word_weights(self, word_weight: WordWeight) -> tuple[np.ndarray, np.ndarray]:
        """Each (query, word) pair's weight (reference.query_word_weight) and each query's
        sum of them, kept for the last `word_weight` asked about (a bound method of the same
        pool compares equal): every candidate scored against these queries reuses them."""
        if self._word_weights is None or self._word_weights[0] != word_weight:
            rarity = np.array([word_weight(word) for word in self.vocabulary], dtype=np.float64)
            weights = rarity[self.pair_word] * self.pair_factor
            # Summed query by query as score_all sums a query's weights (NumPy's pairwise
            # sum), so the two directions agree to the last bit.
            bounds = np.searchsorted(self.pair_query, np.arange(len(self) + 1))
            sums = np.array([weights[a:b].sum() for a, b in zip(bounds, bounds[1:], strict=False)])
            self._word_weights = (word_weight, weights, sums)
        return self._word_weights[1], self._word_weights[2]


# What `QueryPool.updated` carries over: arrays with a row per query, per (query, wanted
# measure) and per (query, word); the first of each pair's names says its query.
_PER_QUERY = (
    "easting",
    "northing",
    "max_distance",
    "start",
    "end",
    "priority",
    "can_be_sent",
    "total_weight",
    "asks_something",
    "asks_in_words",
    "asks_measures",
)
_PER_MEASURE = (
    "measure_query",
    "measure",
    "measure_theme",
    "measure_outcome",
    "measure_weight",
    "measure_target",
)
_PER_WORD = ("pair_query", "pair_factor")


def _joined(pool: QueryPool, fresh: QueryPool, name: str) -> np.ndarray:
    return np.concatenate([getattr(pool, name), getattr(fresh, name)])


def _words_used(pool: QueryPool) -> int:
    return int(np.unique(pool.pair_word).size)


def _regroup(
    into: QueryPool, pool: QueryPool, fresh: QueryPool, moved_to: np.ndarray, names: Sequence[str]
) -> np.ndarray:
    """Set `into`'s per-pair arrays `names` from `pool`'s and `fresh`'s, whose queries moved
    to `moved_to` (-1: gone), grouped by query in its order, each query's pairs in their own
    order; return where each came from (in the two pools' pairs, joined)."""
    query, *others = names
    queries = moved_to[np.r_[getattr(pool, query), getattr(fresh, query) + len(pool)]]
    order = np.flatnonzero(queries >= 0)
    order = order[np.argsort(queries[order], kind="stable")]
    setattr(into, query, queries[order])
    for name in others:
        setattr(into, name, _joined(pool, fresh, name)[order])
    return order


def _toms(candidate: Candidate, queries: QueryPool, policy: MatchingPolicy) -> np.ndarray:
    """As engine._toms, for every query: each wanted measure's best credit from the
    candidate's measures, weighted by the query's weights."""
    catalogue = queries.catalogue
    offered = np.zeros(len(catalogue.codes), dtype=bool)
    quantity = np.full(len(catalogue.codes), math.nan)
    themes = np.zeros(len(catalogue.theme_index), dtype=bool)
    outcomes = np.zeros(len(catalogue.outcome_index), dtype=bool)
    for code, amount in candidate.measures.items():
        if code in catalogue:
            offered[catalogue.index[code]] = True
            quantity[catalogue.index[code]] = math.nan if amount is None else float(amount)
            themes[catalogue.theme_of(code)] = True
            outcomes[catalogue.outcome_of(code)] = True
    credit = related_credit(
        themes[queries.measure_theme], outcomes[queries.measure_outcome], policy
    )
    right = measure_credit(
        covers(quantity[queries.measure], queries.measure_target, policy), policy
    )
    credit = np.where(offered[queries.measure], np.maximum(credit, right), credit)
    weighted = np.bincount(
        queries.measure_query, weights=queries.measure_weight * credit, minlength=len(queries)
    )
    share = np.zeros(len(queries))
    np.divide(weighted, queries.total_weight, out=share, where=queries.total_weight > 0)
    return np.minimum(1.0, share)


def _similarity(
    candidate_words: Sequence[str], queries: QueryPool, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """Each vocabulary word's best similarity (0-100) to the candidate's words, as
    engine._similar_words: itself, and for long words, long words of about its length;
    and which vocabulary words the candidate has (for synonym tokens)."""
    best = np.zeros(len(queries.vocabulary))
    present = np.zeros(len(queries.vocabulary), dtype=bool)
    for word in candidate_words:
        known = queries.word_ids.get(word)
        if known is not None:
            best[known], present[known] = 100.0, True
        ids, similar = _typos_of(word, queries, policy)
        best[ids] = np.maximum(best[ids], similar)
    return best, present


def look_up_similar_words(
    candidates: Sequence[Candidate], queries: QueryPool, policy: MatchingPolicy
) -> None:
    """Keep in the pool the similar words of every word of `candidates` it does not hold
    yet, found in one pass per word length rather than one per word: for candidates about
    to be scored one after another against the queries (`_typos_of` then finds them)."""
    cutoff = policy.word_similarity_cutoff
    words = {word for candidate in candidates for word in fit_words(candidate.text)}
    missing = [word for word in sorted(words) if (word, cutoff) not in queries.similar_words]
    if len(queries.similar_words) + len(missing) > SIMILAR_WORDS_KEPT:
        queries.similar_words.clear()
    for word, found in queries.typos.similar_many(missing, policy).items():
        queries.similar_words[(word, cutoff)] = found


def _typos_of(
    word: str, queries: QueryPool, policy: MatchingPolicy
) -> tuple[np.ndarray, np.ndarray]:
    """`queries.typos.similar`, kept by the pool (read only): the offers a save scores one
    after another against every seeker share most of their words."""
    key = (word, policy.word_similarity_cutoff)
    found = queries.similar_words.get(key)
    if found is None:
        if len(queries.similar_words) >= SIMILAR_WORDS_KEPT:
            queries.similar_words.clear()
        found = queries.similar_words[key] = queries.typos.similar(word, policy)
    return found


def _text(
    candidate: Candidate, queries: QueryPool, word_weight: WordWeight, policy: MatchingPolicy
) -> np.ndarray:
    """As engine._text, for every query: the weighted share of its words the candidate's
    words hold, typo-tolerantly, or name by a synonym group the query spells."""
    text = np.zeros(len(queries))
    own = fit_words(candidate.text)
    if not own or queries.pair_word.size == 0:
        return text
    weights, sums = queries.word_weights(word_weight)
    best, present = _similarity(own, queries, policy)
    similarity = best[queries.pair_word]
    similarity[queries.cover_pair[present[queries.cover_token]]] = 100.0
    found = np.bincount(
        queries.pair_query, weights=weights * (similarity / 100), minlength=len(queries)
    )
    # As engine._text: a query whose words weigh nothing (place names only) fits no text.
    np.divide(found, sums, out=text, where=queries.has_words & (sums > 0))
    # A weighted mean of numbers in [0, 1]; clip the float rounding (1.0000000000000002).
    return np.minimum(1.0, text)


def score_against(
    candidate: Candidate, queries: QueryPool, word_weight: WordWeight, policy: MatchingPolicy
) -> Scores:
    """Score one candidate against every query at once (rows: queries), the words weighed
    by `word_weight` (the rarity of words among every candidate, as the full pool's)."""
    distance = distances(candidate.easting, candidate.northing, queries.easting, queries.northing)
    location = location_scores(
        distance,
        policy,
        from_afar=True if candidate.remote else queries.can_be_sent,
        priority=True if candidate.in_priority_place else queries.priority,
    )
    reach = Reach(
        radius=math.inf if candidate.service_radius_m is None else candidate.service_radius_m,
        is_open=not candidate.closed,
        remote=candidate.remote,
        start=NO_DATE_LOW if candidate.start is None else candidate.start.toordinal(),
        end=NO_DATE_HIGH if candidate.end is None else candidate.end.toordinal(),
        max_distance=queries.max_distance,
        sent=queries.can_be_sent,
        wanted_start=queries.start,
        wanted_end=queries.end,
    )
    included = in_reach(distance, reach)
    toms = _toms(candidate, queries, policy)
    text = _text(candidate, queries, word_weight, policy)
    own_category = (candidate.category or "").casefold()
    code = queries.category_codes.get(own_category, -1)
    asks = Asks(
        something=queries.asks_something,
        worded=queries.asks_in_words,
        least_words=least_words_when(queries.asks_measures, policy),
        categorised=(queries.category != 0) & bool(own_category),
        same_category=queries.category == code,
    )
    return combined(included, distance, location, toms, text, asks, policy)
