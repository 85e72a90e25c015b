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
    """One word typed, or a measure code typed, and the entries matching it (`match.ids`,
    sorted), each with its best similarity, 1 for an exact match in the name or title."""

    typed: str
    match: WordMatch

    def places_of(self, chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per entry of sorted `chosen`, its place in `match` and whether it is there."""
        ids = self.match.ids
        if ids.size == 0:
            return np.zeros(chosen.size, dtype=np.intp), np.zeros(chosen.size, dtype=bool)
        places = np.searchsorted(ids, chosen).clip(max=ids.size - 1)
        return places, ids[places] == chosen


def search(kind: str, filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> ResultPage:
    """One page of results of `kind` (suppliers, needs, opportunities) for `filters`."""
    index = index_for(kind)
    terms = _terms(index, filters.words)
    themed = theme_codes(filters.theme) if filters.theme else []
    chosen, at = _matching_every(_filter_mask(index, filters, themed), terms)
    distance = _distances(index, filters.postcode, chosen)
    if filters.radius_m is not None and distance is not None:
        inside = distance <= filters.radius_m
        chosen, distance, at = chosen[inside], distance[inside], [p[inside] for p in at]
    best = [term.match.best[places] for term, places in zip(terms, at, strict=True)]
    score = np.mean(best, axis=0) if terms else np.ones(chosen.size)
    start = (page - 1) * per_page
    order = _order(index, chosen, score, distance, filters.sort, start + per_page)
    results = [
        Result(
            entry=index.entries[chosen[i]],
            distance_km=None if distance is None else _km(distance[i]),
            score=round(float(score[i]), 3),
            why=_why(index, chosen[i], _found(terms, at, i), filters, themed),
        )
        for i in order[start:]
    ]
    return ResultPage(results, page, per_page, int(chosen.size))


def _matching_every(keep: np.ndarray, terms: list[_Term]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The sorted indices of the entries `keep` holds that match every term (those of the
    term matching fewest, narrowed by the others), and per term each one's place in its
    match."""
    if not terms:
        return np.flatnonzero(keep), []
    fewest = min(range(len(terms)), key=lambda t: terms[t].match.ids.size)
    ids = terms[fewest].match.ids
    at = {fewest: np.flatnonzero(keep[ids])}
    chosen = ids[at[fewest]]
    for t, term in enumerate(terms):
        if t != fewest:
            places, held = term.places_of(chosen)
            chosen = chosen[held]
            at = {u: p[held] for u, p in at.items()} | {t: places[held]}
    return chosen, [at[t] for t in range(len(terms))]


def _found(terms: list[_Term], at: list[np.ndarray], i: int) -> list[tuple[str, str]]:
    """Each term typed, and the word that matched it best in the i-th chosen entry."""
    return [
        (term.typed, term.match.near[term.match.which[places[i]]])
        for term, places in zip(terms, at, strict=True)
    ]


def _terms(index: Index, text: str) -> list[_Term]:
    """Measure codes typed match codes exactly; other words match the vocabulary loosely."""
    codes = index.code_spellings
    typed = text.split()
    terms = [_code_term(index, codes[t.upper()]) for t in typed if t.upper() in codes]
    rest = " ".join(t for t in typed if t.upper() not in codes)
    return terms + [_word_term(index, word) for word in words(rest)]


def _code_term(index: Index, code: str) -> _Term:
    ids = index.code_postings[code]
    near = WordMatch((code,), ids, np.ones(ids.size), np.zeros(ids.size, dtype=np.int32))
    return _Term(code, near)


def _word_term(index: Index, word: str) -> _Term:
    """Numbers match exactly: 2023 is not a typo for 2024. What a word matches is kept with
    the index: searches share most of their words."""
    match = index.word_matches.get(word)
    if match is None:
        match = index.word_matches.keep(word, _word_match(index, word))
    return _Term(word, match)


_NOTHING = (np.empty(0, dtype=np.int32), np.empty(0), np.empty(0, dtype=np.int32))


def _word_match(index: Index, word: str) -> WordMatch:
    """The vocabulary words within the cutoff of `word`, and the entries holding them: each
    entry's best similarity, and of equal ones the nearer word's, in the body before the
    title."""
    if word.isalpha():
        near = index.vocabulary.near(word, WORD_SIMILARITY_CUTOFF * 100)
    else:
        near = [(word, 100.0, 0)] if word in index.postings else []
    if not near:
        return WordMatch((), *_NOTHING)
    ids, best, which = [], [], []
    for position, (found, similarity, _) in enumerate(near):
        for postings, weight in (
            (index.postings[found], BODY_WEIGHT),
            (index.title_postings.get(found), 1.0),
        ):
            if postings is not None:
                ids.append(postings)
                best.append(np.full(postings.size, similarity / 100 * weight))
                which.append(np.full(postings.size, position, dtype=np.int32))
    every, values = np.concatenate(ids).astype(np.int32), np.concatenate(best)
    order = np.lexsort((-values, every))  # stable: of equal values, the first given
    first = order[np.flatnonzero(np.diff(every[order], prepend=-1))]
    kept = (every[first], values[first], np.concatenate(which)[first])
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
    index: Index,
    chosen: np.ndarray,
    score: np.ndarray,
    distance: np.ndarray | None,
    sort: str,
    count: int,
) -> np.ndarray:
    """The positions in `chosen` of the first `count`, best first; ties go nearer first,
    then by name."""
    names = index.name_rank[chosen]
    if distance is None:
        return _first_in_order([-score, names], count)
    far = np.where(np.isnan(distance), np.inf, distance)  # no place: last (nan_to_num is slower)
    if sort == "distance":
        return _first_in_order([far, -score, names], count)
    return _first_in_order([-score, far, names], count)


def _first_in_order(keys: list[np.ndarray], count: int) -> np.ndarray:
    """The positions of the first `count` rows ordered by `keys` (the first key first, the
    last unique), in that order: each key in turn keeps the rows surely among them and
    leaves its ties at the border to the next, so only those are sorted (sorting thousands
    of results by three keys cost a search a millisecond)."""
    rows, sure = np.arange(keys[0].size), list[np.ndarray]()
    for key in keys:
        wanted = count - sum(part.size for part in sure)
        if rows.size <= wanted:
            break
        values = key[rows]
        border = np.partition(values, wanted - 1)[wanted - 1]
        sure.append(rows[values < border])
        rows = rows[values == border]
    first = np.concatenate([*sure, rows])
    return first[np.lexsort([key[first] for key in reversed(keys)])]


def _why(
    index: Index,
    number: int,
    found: list[tuple[str, str]],
    filters: Filters,
    themed: list[str],
) -> tuple[str, ...]:
    """The words and measures that made an entry match, in plain words (`found`: each word
    typed, and the word it matched)."""
    reasons = []
    for typed, word in found:
        same = word.lower() == typed.lower()
        reasons.append(word if same else f"{word} (for “{typed}”)")
    entry = index.entries[number]
    if filters.measure:
        reasons.append(f"measure {filters.measure}")
    if filters.theme:
        shared = [code for code in entry.codes if code in themed]
        reasons.append(f"{filters.theme}: {', '.join(shared)}")
    return tuple(dict.fromkeys(reasons))


def radius_in_metres(radius: float, unit: str) -> float:
    return radius * (METRES_PER_MILE if unit == "miles" else METRES_PER_KM)
