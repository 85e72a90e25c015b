"""The scoring rules on arrays, written once for both vectorised directions.

`engine.score_all` scores one query against many candidates; `queries.score_against` one
candidate against many queries. Each rule here takes either side as an array and the other
as a scalar (NumPy broadcasting), so the two directions share every formula and agree with
the per-pair reference (`reference.py`) to the last bit the arithmetic allows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from .confirmation import worded_toms
from .policy import MatchingPolicy
from .text import MAX_TYPO_LENGTH_CHANGE, compared_exactly, may_be_typo

# Above this many word comparisons rapidfuzz's threads pay off; below, one core is faster.
PARALLEL_TEXT_COMPARISONS = 1_000_000

# A date window's open end, as an ordinal: before or after every date.
NO_DATE_LOW = date.min.toordinal()
NO_DATE_HIGH = date.max.toordinal()

Flags = bool | np.ndarray
Values = float | np.ndarray


def ordinals(values: Sequence[date | None], missing: int) -> np.ndarray:
    """Dates as day numbers, `missing` for an open end, so windows compare as integers."""
    return np.array([missing if v is None else v.toordinal() for v in values], dtype=np.int64)


@dataclass(frozen=True)
class Scores:
    """Each pair's components; `included` is False where the pair is excluded."""

    included: np.ndarray
    distance_m: np.ndarray
    location: np.ndarray
    toms: np.ndarray
    fit: np.ndarray
    total: np.ndarray


def distances(easting: Values, northing: Values, other_e: Values, other_n: Values) -> np.ndarray:
    """Straight-line metres between grid points (in place: at county scale each temporary
    array is megabytes)."""
    distance = np.subtract(easting, other_e)
    np.multiply(distance, distance, out=distance)
    north = np.subtract(northing, other_n)
    np.multiply(north, north, out=north)
    distance += north
    np.sqrt(distance, out=distance)
    return np.asarray(distance)


def _apply_where(score: np.ndarray, rows: Flags, rule: Callable[[Any], Any]) -> np.ndarray:
    """`rule` applied to every score (rows is True) or to the masked ones only."""
    if isinstance(rows, np.ndarray):
        if rows.any():
            score[rows] = rule(score[rows])
        return score
    return np.asarray(rule(score)) if rows else score


def location_scores(
    distance: np.ndarray, policy: MatchingPolicy, from_afar: Flags, priority: Flags
) -> np.ndarray:
    """As reference.location_score: 1 within local_km, then halving every half_life_km;
    help from afar (`from_afar`: sent, or given remotely) keeps the sent-help floor; a
    priority place on either side adds the boost, capped at 1."""
    score = np.subtract(distance, policy.local_km * 1000)
    np.maximum(score, 0.0, out=score)
    score *= -1 / (policy.half_life_km * 1000)
    np.exp2(score, out=score)
    floor, boost = policy.sent_help_location_floor, policy.priority_place_boost
    score = _apply_where(score, from_afar, lambda s: np.maximum(s, floor))
    return _apply_where(score, priority, lambda s: np.minimum(1.0, s + boost))


@dataclass(frozen=True)
class Reach:
    """What bounds a pair: the candidate's service radius, whether it is open, whether its
    help comes remotely and its date window (as ordinals); the query's in-person reach
    (None or inf: unbounded) and date window (None: open-ended)."""

    radius: Values
    is_open: Flags
    remote: Flags
    start: Values
    end: Values
    max_distance: Values | None = None
    sent: Flags = False
    wanted_start: Values | None = None
    wanted_end: Values | None = None


def in_reach(distance: np.ndarray, reach: Reach) -> np.ndarray:
    """As reference.is_excluded, negated: open, within the candidate's radius and the
    query's reach (help given remotely is not bounded by it), date windows overlapping."""
    # As reference.is_excluded: a candidate's radius does not bound help that can come from
    # afar (money or goods the query asks to be sent, or help given remotely).
    within = (distance <= reach.radius) | reach.remote | reach.sent
    included = within & reach.is_open
    if reach.max_distance is not None:
        included &= (distance <= reach.max_distance) | reach.remote
    if reach.wanted_start is not None:
        included &= reach.end >= reach.wanted_start
    if reach.wanted_end is not None:
        included &= reach.start <= reach.wanted_end
    return np.asarray(included)


def covers(quantities: np.ndarray, targets: Values, policy: MatchingPolicy) -> np.ndarray:
    """As reference.coverage: the share of each target an offered quantity covers, in full
    from the policy's full-cover share; no target (NaN) or none above 0 is covered in full,
    an unknown quantity (NaN) not at all."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # tiny targets: 1
        ratio = np.minimum(1.0, quantities / targets / policy.full_cover_share)
    cover = np.nan_to_num(np.where(quantities > 0, ratio, 0.0), nan=0.0)
    return np.where(np.greater(targets, 0), cover, 1.0)


def related_credit(same_theme: Flags, same_outcome: Flags, policy: MatchingPolicy) -> np.ndarray:
    """As reference._credits_for, for a related measure: the same outcome's credit, or the
    same theme's."""
    return np.maximum(
        np.multiply(same_theme, policy.same_theme_credit),
        np.multiply(same_outcome, policy.same_outcome_credit),
    )


def typo_similarity(
    words: Sequence[str], others: Sequence[str], policy: MatchingPolicy
) -> np.ndarray:
    """rapidfuzz's ratio (0-100) of each of `words` (rows) with each of `others`, 0 below the
    policy's cutoff: the typo rule of reference.word_matches, for words `may_be_typo` lets
    through."""
    return np.asarray(
        process.cdist(
            words,
            others,
            scorer=fuzz.ratio,
            score_cutoff=policy.word_similarity_cutoff * 100,
            dtype=np.float64,
            workers=-1 if len(words) * len(others) > PARALLEL_TEXT_COMPARISONS else 1,
        )
    )


class TypoIndex:
    """The words of a vocabulary a typo may stand for (long words, not synonym tokens),
    sorted by length, so a word is compared only with words of about its length."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        ids = [i for i, word in enumerate(vocabulary) if not compared_exactly(word)]
        ids.sort(key=lambda i: len(vocabulary[i]))
        self.ids = np.array(ids, dtype=np.int64)
        self.words = [vocabulary[i] for i in ids]
        self._lengths = np.array([len(word) for word in self.words], dtype=np.int64)

    def similar(self, word: str, policy: MatchingPolicy) -> tuple[np.ndarray, np.ndarray]:
        """The vocabulary ids of the words within MAX_TYPO_LENGTH_CHANGE letters of a long
        `word`, and their similarity to it (0 below the cutoff); none for a word compared
        exactly (text.may_be_typo)."""
        return self.similar_many([word], policy)[word]

    def similar_many(
        self, words: Sequence[str], policy: MatchingPolicy
    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """`similar` of each of `words`, the words of one length compared with theirs in one
        pass (a save that scores dozens of offers looks up hundreds of words)."""
        found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        by_length: dict[int, list[str]] = {}
        for word in dict.fromkeys(words):
            if compared_exactly(word):
                found[word] = (self.ids[:0], np.empty(0))
            else:
                by_length.setdefault(len(word), []).append(word)
        for length, same in by_length.items():
            low = int(np.searchsorted(self._lengths, length - MAX_TYPO_LENGTH_CHANGE, "left"))
            high = int(np.searchsorted(self._lengths, length + MAX_TYPO_LENGTH_CHANGE, "right"))
            if high <= low:
                found.update((word, (self.ids[:0], np.empty(0))) for word in same)
                continue
            others = self.words[low:high]
            compared = typo_similarity(same, others, policy)
            for word, similarity in zip(same, compared, strict=True):
                # As reference.word_matches: alike by ratio, and a typo by text.may_be_typo
                # (a short word only one letter apart).
                for i in np.flatnonzero(similarity):
                    if not may_be_typo(word, others[i]):
                        similarity[i] = 0.0
                found[word] = (self.ids[low:high], similarity)
        return found


@dataclass(frozen=True)
class Asks:
    """What each query asks, as the last steps read it: `something` (measures or words:
    reference.has_something_to_match), `worded` (measures and words: toms_in_words), the
    least description fit that lists a candidate with no TOMs credit (`least_words`), and
    per pair whether both sides have a category and whether they are the same."""

    something: Flags
    worded: Flags
    least_words: Values
    categorised: Flags
    same_category: Flags


def combined(
    included: np.ndarray,
    distance: np.ndarray,
    location: np.ndarray,
    toms: np.ndarray,
    text: np.ndarray,
    asks: Asks,
    policy: MatchingPolicy,
) -> Scores:
    """The pairs' scores from their parts, as reference.score_pair: unrelated pairs left
    out, the TOMs credit as the words bear it out, the category blended into the fit, and
    the weighted total."""
    if np.any(asks.something):
        # As reference.is_unrelated: nothing towards any measure and too few words in common
        # (reference.least_words_alone).
        words = (text > 0) & (text >= asks.least_words)
        included = included & (np.logical_not(asks.something) | (toms > 0) | words)
    if np.any(asks.worded):
        toms = np.where(asks.worded, worded_toms(toms, text, policy), toms)
    fit = text
    if np.any(asks.categorised):
        share = policy.category_share
        blended = (1 - share) * fit + share * np.asarray(asks.same_category)
        fit = np.where(asks.categorised, blended, fit)
    w_location, w_toms, w_fit = policy.component_weights
    total = np.minimum(1.0, w_location * location + w_toms * toms + w_fit * fit)
    return Scores(included, distance, location, toms, fit, total)
