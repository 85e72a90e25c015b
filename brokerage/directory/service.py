"""The directory search: buyers find suppliers, suppliers find needs and opportunities.

Only what everyone signed in may see is searchable: suppliers with a profile (and the
words of their published offers), and published needs and opportunities. Words are typo
tolerant: each word typed stands for every word of the index's vocabulary within
`WORD_SIMILARITY_CUTOFF` of it (rapidfuzz `ratio`), so "carpentery" finds carpentry. A
result must match every word typed; it scores the mean of its best similarities, a match
in a name or title counting in full and one elsewhere `BODY_WEIGHT` of it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..matching.policy import MatchingPolicy
from ..matching.text import words
from ..places.lookup import locate_postcode
from ..toms.service import matching_catalogue
from .index import Entry, Index, WordMatch, index_for, significant_digits

PER_PAGE = 20
METRES_PER_MILE = 1609.344
METRES_PER_KM = 1000.0
# The matching engine's cut-off, so a word counts as the same in search and in matching.
WORD_SIMILARITY_CUTOFF = MatchingPolicy().word_similarity_cutoff
BODY_WEIGHT = 0.8
SORTS = ("relevance", "distance")


@dataclass(frozen=True)
class Filters:
    """What a person asks for; every field is optional. `radius_m` needs `postcode`."""

    words: str = ""
    postcode: str | None = None
    radius_m: float | None = None
    theme: str | None = None
    measure: str | None = None
    sector: str | None = None
    trade: str | None = None  # a CPV code: suppliers whose trades lie within it or cover it
    size: str | None = None
    vcse: bool = False
    living_wage: bool = False
    verified_only: bool = False
    sort: str = "relevance"


@dataclass(frozen=True)
class Result:
    entry: Entry
    distance_km: float | None
    score: float
    why: tuple[str, ...]


@dataclass(frozen=True)
class ResultPage:
    results: list[Result]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


@dataclass(frozen=True)
class _Term:
    """One word typed, or a measure code typed, and how well each entry matches it."""

    typed: str
    best: np.ndarray  # per entry: 0 (no match) to 1 (exact, in the name or title)
    which: np.ndarray  # per entry: the position in `matched` of its best word (-1: none)
    matched: tuple[str, ...]


def search(kind: str, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> ResultPage:
    """One page of results of `kind` (suppliers, needs, opportunities) for `filters`."""
    index = index_for(kind)
    terms = _terms(index, filters.words)
    themed = theme_codes(filters.theme) if filters.theme else []
    keep = _filter_mask(index, filters, themed)
    for term in terms:
        keep &= term.best > 0
    chosen = np.flatnonzero(keep)
    score = np.mean([t.best[chosen] for t in terms], axis=0) if terms else np.ones(chosen.size)
    distance = _distances(index, filters.postcode, chosen)
    if filters.radius_m is not None and distance is not None:
        inside = distance <= filters.radius_m
        chosen, score, distance = chosen[inside], score[inside], distance[inside]
    order = _order(index, chosen, score, distance, filters.sort)
    start = (page - 1) * per_page
    shown = order[start : start + per_page]
    results = [
        Result(
            entry=index.entries[chosen[i]],
            distance_km=None if distance is None else _km(distance[i]),
            score=round(float(score[i]), 3),
            why=_why(index, chosen[i], terms, filters, themed),
        )
        for i in shown
    ]
    return ResultPage(results, page, per_page, int(chosen.size))


def _terms(index: Index, text: str) -> list[_Term]:
    """Measure codes typed match codes exactly; other words match the vocabulary loosely."""
    codes = {code.upper(): code for code in index.code_postings}
    typed = text.split()
    terms = [_code_term(index, codes[t.upper()]) for t in typed if t.upper() in codes]
    rest = " ".join(t for t in typed if t.upper() not in codes)
    return terms + [_word_term(index, word) for word in words(rest)]


def _code_term(index: Index, code: str) -> _Term:
    best = np.zeros(index.size_of)
    which = np.full(index.size_of, -1)
    best[index.code_postings[code]] = 1.0
    which[index.code_postings[code]] = 0
    return _Term(code, best, which, (code,))


def _word_term(index: Index, word: str) -> _Term:
    """Numbers match exactly: 2023 is not a typo for 2024. What a word matches is kept with
    the index: searches share most of their words."""
    match = index.word_matches.get(word)
    if match is None:
        match = index.word_matches.keep(word, _word_match(index, word))
    best = np.zeros(index.size_of)
    which = np.full(index.size_of, -1)
    best[match.ids] = match.best
    which[match.ids] = match.which
    return _Term(word, best, which, match.near)


def _word_match(index: Index, word: str) -> WordMatch:
    """The vocabulary words within the cutoff of `word`, and the entries holding them."""
    if word.isalpha():
        near = index.vocabulary.near(word, WORD_SIMILARITY_CUTOFF * 100)
    else:
        near = [(word, 100.0, 0)] if word in index.postings else []
    best = np.zeros(index.size_of)
    which = np.full(index.size_of, -1)
    for position, (found, similarity, _) in enumerate(near):
        for postings, weight in (
            (index.postings[found], BODY_WEIGHT),
            (index.title_postings.get(found), 1.0),
        ):
            if postings is None:
                continue
            value = similarity / 100 * weight
            better = postings[best[postings] < value]
            best[better] = value
            which[better] = position
    ids = np.flatnonzero(best)
    kept = (ids.astype(np.int32), best[ids], which[ids].astype(np.int32))
    return WordMatch(tuple(found for found, _, _ in near), *kept)


def _km(metres: float) -> float | None:
    """Kilometres to one decimal place; None for an entry whose postcode has no place."""
    return round(float(metres) / 1000, 1) if math.isfinite(metres) else None


def _filter_mask(index: Index, filters: Filters, themed: list[str]) -> np.ndarray:
    keep = np.ones(index.size_of, dtype=bool)
    if filters.measure:
        keep &= _having_codes(index, [filters.measure])
    if filters.theme:
        keep &= _having_codes(index, themed)
    if filters.sector:
        keep &= index.sector.equal_to(filters.sector)
    if filters.trade:
        keep &= _having_trade(index, filters.trade)
    if filters.size:
        keep &= index.size.equal_to(filters.size)
    for wanted, column in (
        (filters.vcse, index.vcse),
        (filters.living_wage, index.living_wage),
        (filters.verified_only, index.verified),
    ):
        if wanted:
            keep &= column
    return keep


def _having_trade(index: Index, code: str) -> np.ndarray:
    """Suppliers with a trade inside `code`, or a broader trade that covers it."""
    digits = significant_digits(code)
    keys = [f"in:{digits}", *(f"is:{digits[:n]}" for n in range(2, len(digits)))]
    mask = np.zeros(index.size_of, dtype=bool)
    for key in keys:
        if key in index.trade_postings:
            mask[index.trade_postings[key]] = True
    return mask


def _having_codes(index: Index, codes: list[str]) -> np.ndarray:
    mask = np.zeros(index.size_of, dtype=bool)
    for code in codes:
        if code in index.code_postings:
            mask[index.code_postings[code]] = True
    return mask


def theme_codes(theme: str) -> list[str]:
    """The codes of the measures in force under a theme (by name, across frameworks)."""
    return [m.code for m in matching_catalogue().measures.values() if m.theme == theme]


def _distances(index: Index, postcode: str | None, chosen: np.ndarray) -> np.ndarray | None:
    """Metres from the postcode to each chosen entry (NaN where an entry has no place)."""
    origin = locate_postcode(postcode) if postcode else None
    if origin is None:
        return None
    return np.hypot(
        index.easting[chosen] - origin.easting, index.northing[chosen] - origin.northing
    )


def _order(
    index: Index, chosen: np.ndarray, score: np.ndarray, distance: np.ndarray | None, sort: str
) -> np.ndarray:
    """Positions in `chosen`, best first; ties go nearer first, then by name."""
    names = index.name_rank[chosen]
    if distance is None:
        return np.lexsort((names, -score))
    far = np.nan_to_num(distance, nan=np.inf)
    if sort == "distance":
        return np.lexsort((names, -score, far))
    return np.lexsort((names, far, -score))


def _why(
    index: Index, number: int, terms: list[_Term], filters: Filters, themed: list[str]
) -> tuple[str, ...]:
    """The words and measures that made an entry match, in plain words."""
    reasons = []
    for term in terms:
        found = term.matched[term.which[number]]
        same = found.lower() == term.typed.lower()
        reasons.append(found if same else f"{found} (for “{term.typed}”)")
    entry = index.entries[number]
    if filters.measure:
        reasons.append(f"measure {filters.measure}")
    if filters.theme:
        shared = [code for code in entry.codes if code in themed]
        reasons.append(f"{filters.theme}: {', '.join(shared)}")
    return tuple(dict.fromkeys(reasons))


def radius_in_metres(radius: float, unit: str) -> float:
    return radius * (METRES_PER_MILE if unit == "miles" else METRES_PER_KM)
