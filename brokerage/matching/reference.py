"""The per-pair reference scorer: plain loops, easy to read, and the source of reasons.

The vectorised engine must agree with it to 1e-9; it is also what explains a score.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz

from .confirmation import Number, toms_score, worded_toms
from .model import (
    Candidate,
    Catalogue,
    MatchResult,
    MeasureCredit,
    Wanted,
)
from .policy import MatchingPolicy
from .reasons import explain
from .text import (
    MAX_TYPO_LENGTH_CHANGE,
    TITLE_WORD_WEIGHT,
    compared_exactly,
    fit_words,
    general_word_weight,
    may_be_typo,
    place_stems,
    synonym_cover,
    title_fit_words,
)

WordWeight = Callable[[str], float]
# A candidate's most similar word to a query word at or above a threshold (0-100), and its
# similarity: `most_similar_compared`, or a pool's own (engine.CandidatePool.most_similar).
MostSimilar = Callable[[str, tuple[str, ...], float], tuple[str | None, float]]


def distance_m(wanted: Wanted, candidate: Candidate) -> float:
    return math.hypot(wanted.easting - candidate.easting, wanted.northing - candidate.northing)


def is_excluded(wanted: Wanted, candidate: Candidate, distance: float) -> bool:
    """Closed, out of reach (either side's radius; neither bounds help that can come from
    afar: money or goods sent, or help given remotely) or no overlap between the two date
    windows."""
    if candidate.closed:
        return True
    beyond_radius = candidate.service_radius_m is not None and distance > candidate.service_radius_m
    if beyond_radius and not comes_from_afar(wanted, candidate):
        return True
    beyond_reach = wanted.max_distance_m is not None and distance > wanted.max_distance_m
    if beyond_reach and not candidate.remote:
        return True
    if wanted.start and candidate.end and candidate.end < wanted.start:
        return True
    return bool(candidate.start and wanted.end and wanted.end < candidate.start)


def location_score(
    distance: float, priority: bool, policy: MatchingPolicy, from_afar: bool = False
) -> float:
    """1 within the local distance, then halving every half-life; help that can be sent or
    given remotely (`from_afar`) keeps the policy's sent-help floor however far."""
    local_m = policy.local_km * 1000
    score = (
        1.0 if distance <= local_m else 0.5 ** ((distance - local_m) / (policy.half_life_km * 1000))
    )
    if from_afar:
        score = max(score, policy.sent_help_location_floor)
    return min(1.0, score + policy.priority_place_boost) if priority else score


def comes_from_afar(wanted: Wanted, candidate: Candidate) -> bool:
    """The help can come from anywhere: money or goods, or an offer given remotely."""
    return wanted.can_be_sent or candidate.remote


def measure_credits(
    wanted: Wanted, candidate: Candidate, catalogue: Catalogue, policy: MatchingPolicy
) -> list[MeasureCredit]:
    """For each wanted measure, the best credit among the candidate's offered measures."""
    credits = []
    for item in wanted.measures:
        best = MeasureCredit(item.code, 0.0, None, "none")
        if item.code in catalogue:
            for code, quantity in candidate.measures.items():
                if code not in catalogue:
                    continue
                for credit, level in _credits_for(
                    item.code, item.target, code, quantity, catalogue, policy
                ):
                    if credit > best.credit:
                        best = MeasureCredit(item.code, credit, code, level)
        credits.append(best)
    return credits


def _credits_for(
    wanted_code: str,
    target: float | None,
    code: str,
    quantity: float | None,
    catalogue: Catalogue,
    policy: MatchingPolicy,
) -> Iterator[tuple[float, str]]:
    """Each way one offered measure earns credit towards one wanted measure."""
    if code == wanted_code:
        yield measure_credit(coverage(target, quantity, policy), policy), "measure"
    if catalogue.outcome_of(code) == catalogue.outcome_of(wanted_code):
        yield policy.same_outcome_credit, "outcome"
    if catalogue.theme_of(code) == catalogue.theme_of(wanted_code):
        yield policy.same_theme_credit, "theme"


def coverage(target: float | None, quantity: float | None, policy: MatchingPolicy) -> float:
    """How far the offered quantity covers the target: in full from the policy's full-cover
    share of it (relevance.md: only "a much smaller quantity" makes the right help a weaker
    match)."""
    if target is None or target <= 0:
        return 1.0
    if quantity is None or quantity <= 0:
        return 0.0
    return min(1.0, quantity / target / policy.full_cover_share)


def measure_credit(cover: Number, policy: MatchingPolicy) -> Number:
    """The right measure is worth at least a related one (the same outcome's credit), and
    the rest of its credit by how much of the target it covers: a smaller quantity of what
    is asked is still the right help."""
    floor = policy.same_outcome_credit
    return floor + (1 - floor) * cover


@lru_cache(maxsize=4096)
def _cover_of(query: tuple[str, ...]) -> dict[str, frozenset[str]]:
    """text.synonym_cover, once per query (a query meets many candidates); read only."""
    return synonym_cover(query)


@lru_cache(maxsize=16_384)
def _typo_index(candidate: tuple[str, ...]) -> tuple[frozenset[str], dict[int, list[int]]]:
    """A candidate's words as a set, and the places of the words a typo could stand for
    (`may_be_typo` holds only for words not compared exactly) by their length: a query
    word's exact match is a lookup, and it meets only the words of its length window."""
    by_length: dict[int, list[int]] = {}
    for place, other in enumerate(candidate):
        if not compared_exactly(other):
            by_length.setdefault(len(other), []).append(place)
    return frozenset(candidate), by_length


def most_similar_compared(
    word: str, candidate: tuple[str, ...], threshold: float
) -> tuple[str | None, float]:
    """The candidate's first most similar word to `word` at or above `threshold` (0-100),
    and its similarity; (None, 0) when none."""
    words, by_length = _typo_index(candidate)
    if word in words and threshold <= 100:
        return word, 100.0  # no other word is as similar as the word itself
    best_word, best = None, 0.0
    if compared_exactly(word):  # may_be_typo(word, anything) is false
        return best_word, best
    places = sorted(
        place
        for length in range(
            len(word) - MAX_TYPO_LENGTH_CHANGE, len(word) + MAX_TYPO_LENGTH_CHANGE + 1
        )
        for place in by_length.get(length, ())
    )
    for other in map(candidate.__getitem__, places):
        if may_be_typo(word, other):
            similarity = fuzz.ratio(word, other)
            if similarity >= threshold and similarity > best:
                best_word, best = other, similarity
    return best_word, best


def word_matches(
    query: tuple[str, ...],
    candidate: tuple[str, ...],
    cutoff: float,
    most_similar: MostSimilar = most_similar_compared,
) -> list[tuple[str, str | None, float]]:
    """Each query word with the candidate's most similar word and its similarity (0: none).

    A word is always similar to itself; short words and synonym tokens to nothing else,
    and a long word only to words of about its length (text.may_be_typo); of equally
    similar words, the first in the candidate's order. A word that spells a synonym phrase
    of the query is found in full by a candidate naming its group (text.synonym_cover)."""
    cover = _cover_of(query)
    matches = []
    for word in query:
        best_word, best = most_similar(word, candidate, cutoff * 100)
        if best < 100:
            named = [
                token for token, spelt in cover.items() if word in spelt and token in candidate
            ]
            best_word, best = (named[0], 100.0) if named else (best_word, best)
        matches.append((word, best_word, best / 100))
    return matches


def title_factor(
    word: str, titled: frozenset[str], place_words: frozenset[str] = frozenset()
) -> float:
    """How many times a description's word a query word counts, rarity aside: more in the
    title, a general word (text.GENERAL_WORDS) little, a place's name (`place_words`, as
    text.place_stems) nothing."""
    if word in place_words:
        return 0.0
    return (TITLE_WORD_WEIGHT if word in titled else 1.0) * general_word_weight(word)


def query_word_weight(
    text: str, word_weight: WordWeight, places: frozenset[str] = frozenset()
) -> WordWeight:
    """Each query word's weight: rare words more (`word_weight`), the title's more again,
    general words (text.GENERAL_WORDS) little, place names (`places`) nothing."""
    titled = title_fit_words(text)
    place_words = place_stems(places)

    def weight(word: str) -> float:
        return word_weight(word) * title_factor(word, titled, place_words)

    return weight


def words_weigh_measures(wanted: Wanted) -> bool:
    """Whether the query asks for measures and says what it wants in words: then its
    measures count as far as the words bear them out (toms_in_words)."""
    return bool(wanted.measures) and bool(fit_words(wanted.text))


def toms_in_words(wanted: Wanted, toms: float, text: float, policy: MatchingPolicy) -> float:
    """The TOMs credit as the words bear it out (confirmation.worded_toms), when the query
    asks for measures and says what it wants in words; a query of codes alone keeps its
    credit, and one of words alone has no TOMs credit to give."""
    if words_weigh_measures(wanted):
        return float(worded_toms(toms, text, policy))
    return toms


def text_score(matches: list[tuple[str, str | None, float]], word_weight: WordWeight) -> float:
    """Weighted share of the query's words that the candidate's text contains (typo-tolerant)."""
    total = sum(word_weight(word) for word, _, _ in matches)
    if not total:
        return 0.0
    return min(1.0, sum(word_weight(word) * sim for word, _, sim in matches) / total)


def has_something_to_match(wanted: Wanted) -> bool:
    """Whether the query says what it wants: measures or meaningful words."""
    return bool(wanted.measures) or bool(fit_words(wanted.text))


def least_words_alone(wanted: Wanted, policy: MatchingPolicy) -> float:
    """The least description fit that lists a candidate giving nothing towards any measure
    the query asks for: the fit at which words confirm the help (one weak word in common,
    "release" for a reading need, is no match); a query of words alone, any word in common."""
    return float(least_words_when(bool(wanted.measures), policy))


def least_words_when(asks_measures: bool | np.ndarray, policy: MatchingPolicy) -> np.ndarray:
    """`least_words_alone` of one query or many, by whether each asks for measures."""
    return np.where(asks_measures, policy.confirming_fit, 0.0)


def is_unrelated(wanted: Wanted, toms: float, text: float, policy: MatchingPolicy) -> bool:
    """Nothing towards any wanted measure (not even a related one) and no word in common,
    or too few for a query asking for measures: not a match, however near (relevance.md:
    off-topic is 0)."""
    few_words = text <= 0 or text < least_words_alone(wanted, policy)
    return toms <= 0 and few_words and has_something_to_match(wanted)


def fit_score(wanted: Wanted, candidate: Candidate, text: float, policy: MatchingPolicy) -> float:
    if wanted.category and candidate.category:
        same = wanted.category.casefold() == candidate.category.casefold()
        return (1 - policy.category_share) * text + policy.category_share * float(same)
    return text


def score_pair(
    wanted: Wanted,
    candidate: Candidate,
    catalogue: Catalogue,
    policy: MatchingPolicy,
    word_weight: WordWeight = lambda word: 1.0,
) -> MatchResult | None:
    """Score one pair with plain loops; None when the pair is excluded (out of reach, dates
    apart, or nothing in common)."""
    distance = distance_m(wanted, candidate)
    if is_excluded(wanted, candidate, distance):
        return None
    priority = wanted.in_priority_place or candidate.in_priority_place
    from_afar = comes_from_afar(wanted, candidate)
    location = location_score(distance, priority, policy, from_afar)
    credits = measure_credits(wanted, candidate, catalogue, policy)
    toms = toms_score(wanted, credits)
    matches = word_matches(
        fit_words(wanted.text), fit_words(candidate.text), policy.word_similarity_cutoff
    )
    text = text_score(matches, query_word_weight(wanted.text, word_weight, wanted.place_names))
    if is_unrelated(wanted, toms, text, policy):
        return None
    toms = toms_in_words(wanted, toms, text, policy)
    fit = fit_score(wanted, candidate, text, policy)
    w_location, w_toms, w_fit = policy.component_weights
    return MatchResult(
        key=candidate.key,
        score=min(1.0, w_location * location + w_toms * toms + w_fit * fit),
        location=location,
        toms=toms,
        fit=fit,
        distance_m=distance,
        reasons=explain(
            wanted, candidate, catalogue, policy, distance, priority, credits, matches, text
        ),
    )


def text_of_fit(
    wanted: Wanted,
    candidate: Candidate,
    fit: float,
    policy: MatchingPolicy,
    most_similar: MostSimilar = most_similar_compared,
) -> float:
    """The description's share of a pair's fit (`fit_score` undone): the share the reasons
    quote, for a pair of which only the fit was kept. With category share 1 the text
    carries no weight in the fit, so the words' unweighted share is the honest figure."""
    if not (wanted.category and candidate.category):
        return fit
    share = policy.category_share
    if share >= 1:
        similar = word_matches(
            fit_words(wanted.text),
            fit_words(candidate.text),
            policy.word_similarity_cutoff,
            most_similar,
        )
        return text_score(similar, lambda word: 1.0)
    same = float(wanted.category.casefold() == candidate.category.casefold())
    return min(1.0, max(0.0, (fit - share * same) / (1 - share)))


def explain_scored(
    wanted: Wanted,
    candidate: Candidate,
    catalogue: Catalogue,
    policy: MatchingPolicy,
    distance: float,
    fit: float,
    most_similar: MostSimilar = most_similar_compared,
) -> tuple[str, ...]:
    """The reasons for a pair the vectorised engine scored, from its distance and fit: the
    fit's word weights came from the whole pool, which explaining one pair cannot see.
    `most_similar` finds the words in common (the pool's own, when the engine has already
    compared the query's words with its vocabulary)."""
    priority = wanted.in_priority_place or candidate.in_priority_place
    credits = measure_credits(wanted, candidate, catalogue, policy)
    similar = word_matches(
        fit_words(wanted.text),
        fit_words(candidate.text),
        policy.word_similarity_cutoff,
        most_similar,
    )
    text = text_of_fit(wanted, candidate, fit, policy, most_similar)
    return explain(wanted, candidate, catalogue, policy, distance, priority, credits, similar, text)
