"""Stored matches: the full rebuild, and recomputing only what one saved listing affects.

A pair is stored while it is in its seeker's top N (`seeker_rank`) or in its offer's top N
of that kind of seeker (`offer_rank`: an offer's best needs, and its best opportunities).
When a listing changes, only rankings it can enter or leave change: its own, those it is in
(recomputed in full when its score fell, since someone else moves up), and those whose N-th
score it now beats (merged in from stored scores). Only rows still "suggested" are written
or deleted; rows people have acted on stay as they are. Each pair in a seeker's top N is
stored with its reasons, as its page shows them; a pair kept only for an offer's ranking is
explained when shown. Functions flush; the caller commits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, NamedTuple, cast

import numpy as np
from sqlalchemy import Select, Table, delete, select

from ..bulk_rows import BATCH, Columns, insert_columns, rewriting
from ..extensions import db
from ..listings.models import Listing, Offer
from ..matching.engine import TIE_DECIMALS, Scores
from ..types import utcnow
from . import kept, rebuilding
from .models import Match
from .rebuilding import RangeRanked, Workers, rank_range, ranked_pairs, rebuild_processes
from .recompute_rows import SUGGESTED, RecomputeRows, StoredRow, batches
from .scene import (
    PARTS,
    SIDE_OF,
    SIDES,
    TOP_N,
    Listings,
    PairScore,
    Ranked,
    Scene,
    Side,
    best,
    values_by_id,
)

# A pair scored in the full pool or on its own differs by float noise at most: a smaller
# difference is no change.
SAME_SCORE = 1e-6


@dataclass(frozen=True)
class RebuildReport:
    pairs: int
    seconds: float
    policy_version: int


def row_fields(pair: PairScore, reasons: list[str] | None, scene: Scene) -> dict[str, Any]:
    """A row's scores and reasons, by column (`recompute_rows.ROW_FIELDS`)."""
    return {
        "score": pair.score,
        "location_score": pair.location,
        "toms_score": pair.toms,
        "fit_score": pair.fit,
        "distance_m": pair.distance_m,
        "reasons": reasons,
        "policy_version": scene.in_force.version,
        "computed_at": utcnow(),
    }


# The full rebuild ----------------------------------------------------------------------


def rebuild(
    progress: Callable[[int], None] = lambda done: None, scene: Scene | None = None
) -> RebuildReport:
    """Recompute every stored match from scratch; `progress(n)` after each n seekers."""
    started = time.perf_counter()
    scene = scene or Scene()
    table = cast(Table, Match.__table__)
    with rewriting(db.session.connection(), table):
        db.session.execute(delete(Match).where(Match.state == SUGGESTED))
        batches = row_batches(scene, _acted_on_pairs(scene), progress)
        stored = insert_columns(db.session.connection(), table, batches)
    db.session.flush()
    return RebuildReport(stored, time.perf_counter() - started, scene.in_force.version)


def row_batches(
    scene: Scene,
    acted: set[tuple[Side, int, int]],
    progress: Callable[[int], None] = lambda done: None,
    processes: int | None = None,
) -> Iterator[Columns]:
    """Every pair to store, as batches of columns for a bulk insert (each column's values
    straight from the ranked arrays, no dict per row), leaving out the `acted` on ones.

    Scores and components come straight from the vectorised pass, with reasons for the
    pairs in a seeker's top N (the rest are explained when shown); offers' own top N come
    from the same pass: each seeker's scores update a running best N per offer, so no
    offer is queried on its own. The seekers are scored in `processes` worker processes
    (default: the MATCH_REBUILD_PROCESSES setting), a side's rows handed on while the
    workers score the next side.
    """
    shared = {"state": SUGGESTED, "version": 1, "policy_version": scene.in_force.version}
    shared["computed_at"] = utcnow()
    for side, pairs, reasons in _ranked_sides(scene, progress, processes or rebuild_processes()):
        kept_rows = _not_acted_on(pairs, {(s, o) for d, s, o in acted if d == side}, scene)
        for start in range(0, kept_rows.size, BATCH):
            yield _batch(scene, side, (pairs, reasons), kept_rows[start : start + BATCH], shared)


# Each seeker's reasons for its top N offers, best first (by seeker, a side's scene index).
Reasons = list[list[list[str]]]


def _batch(
    scene: Scene,
    side: Side,
    ranked: tuple[Ranked, Reasons],
    rows: np.ndarray,
    shared: dict[str, Any],
) -> Columns:
    """The `rows` of the ranked pairs (positions) as columns, `shared` values repeated."""
    listings, _ = scene.seekers(side)
    pairs, reasons = ranked
    seekers, offers = pairs.seekers[rows], pairs.offers[rows]
    seeker_rank = rebuilding.ranks_or_none(pairs.seeker_rank[rows])
    return {
        **rebuilding.repeated(shared, rows.size),
        **rebuilding.repeated({other.column: None for other in SIDES}, rows.size),
        side.column: listings.ids[seekers].tolist(),
        "offer_id": scene.offers.ids[offers].tolist(),
        **dict(zip(PARTS, pairs.parts[rows].T.tolist(), strict=True)),
        "seeker_rank": seeker_rank,
        "offer_rank": rebuilding.ranks_or_none(pairs.offer_rank[rows]),
        "reasons": [
            reasons[seeker][rank - 1] if rank else None
            for seeker, rank in zip(seekers.tolist(), seeker_rank, strict=True)
        ],
    }


def _not_acted_on(pairs: Ranked, acted: set[tuple[int, int]], scene: Scene) -> np.ndarray:
    """Positions in `pairs` of those not in `acted` (seeker, offer scene indices)."""
    width = max(len(scene.offers), 1)
    keys = pairs.seekers.astype(np.int64) * width + pairs.offers
    skipped = np.fromiter((seeker * width + offer for seeker, offer in acted), dtype=np.int64)
    return np.flatnonzero(~np.isin(keys, skipped))


def seekers_to_rank(scene: Scene) -> int:
    """How many seekers a rebuild queries (for a progress bar's length)."""
    return sum(len(scene.seekers(side)[0]) for side in SIDES)


def _parts(scores: Scores, rows: np.ndarray | list[int]) -> np.ndarray:
    columns = (scores.total, scores.location, scores.toms, scores.fit, scores.distance_m)
    return np.stack([column[rows] for column in columns], axis=-1)


def _ranked_sides(
    scene: Scene, progress: Callable[[int], None], processes: int
) -> Iterator[tuple[Side, Ranked, Reasons]]:
    """Each side's pairs: each seeker's top N offers and each offer's top N seekers (a
    running best N per offer, in arrays), merged into one set of pairs, with the reasons
    of each seeker's top N. The seekers are split among `processes` workers forked with
    the scene loaded; a side is handed on as soon as it is ranked."""
    for side in SIDES:
        scene.seekers(side)
    scene.pool  # noqa: B018  (loaded before the workers fork: they share it)
    tasks = [
        (number, seekers)
        for number, side in enumerate(SIDES)
        for seekers in rebuilding.worker_ranges(len(scene.seekers(side)[0]), processes)
    ]
    with Workers(scene, processes) as workers:
        ranked = workers.map(_rank_seekers, tasks, progress)
        for number, side in enumerate(SIDES):
            reasons: Reasons = []

            def side_ranges(
                number: int = number, reasons: Reasons = reasons
            ) -> Iterator[RangeRanked]:
                for _ in range(sum(task[0] == number for task in tasks)):
                    part = next(ranked)
                    reasons.extend(part.explained)
                    yield part

            yield side, ranked_pairs(side_ranges(), len(scene.offers)), reasons


def _rank_seekers(
    scene: Scene, task: tuple[int, range], done: Callable[[int], None]
) -> RangeRanked:
    """A range of one side's seekers (SIDES[number]) ranked, their top N explained."""
    number, seekers = task
    side = SIDES[number]

    def scored(seeker: int) -> tuple[np.ndarray, Callable[[Any], np.ndarray]]:
        scores = scene.seeker_scores(side, seeker)
        return scores.total, partial(_parts, scores)

    def explain(seeker: int, offers: list[int], parts: np.ndarray) -> list[list[str]]:
        return [
            scene.reasons(side, seeker, offer, distance_m, fit)
            for offer, (_, _, _, fit, distance_m) in zip(offers, parts.tolist(), strict=True)
        ]

    return rank_range(seekers, len(scene.offers), len(PARTS), scored, explain, done)


def _acted_on_pairs(scene: Scene) -> set[tuple[Side, int, int]]:
    """Pairs whose row someone has acted on, as scene indices: a rebuild leaves them be."""
    pairs = set()
    for side in SIDES:
        listings, _ = scene.seekers(side)
        column = getattr(Match, side.column)
        for offer_id, seeker_id in db.session.execute(
            select(Match.offer_id, column).where(column.is_not(None))
        ):
            offer, seeker = scene.offers.index.get(offer_id), listings.index.get(seeker_id)
            if offer is not None and seeker is not None:
                pairs.add((side, seeker, offer))
    return pairs


# Recomputing what one listing affects ---------------------------------------------------


def recompute(listings: Iterable[Listing]) -> None:
    """Bring stored matches up to date after `listings` were saved, published or archived,
    against the published world this process keeps (`kept`)."""
    scene = Scene(kept.offer_side())
    for listing in listings:
        for side in SIDES if isinstance(listing, Offer) else (SIDE_OF[type(listing)],):
            rows = _Rows(scene, side)
            if isinstance(listing, Offer):
                rows.offer_changed(listing.id)
            else:
                rows.seeker_changed(listing.id)
    db.session.flush()


def _merged(ranked: Iterable[tuple[float, int]], newcomer: tuple[float, int] | None) -> list[int]:
    """Partner ids of a ranking of (score, partner id) with one newcomer merged in, top N."""
    entries = [*ranked, *([newcomer] if newcomer else [])]
    return [partner for _, partner in sorted((-round(s, 9), p) for s, p in entries)[:TOP_N]]


def _at_or_below_foot(score: float, ranked: list[tuple[float, int]]) -> bool:
    """Whether `score` is no better than the lowest of a ranking (ties count as lower:
    someone unranked with the same score may come first)."""
    return round(score, TIE_DECIMALS) <= min(round(s, TIE_DECIMALS) for s, _ in ranked)


@dataclass(frozen=True)
class _Change:
    """The listing saved: its id, its stored rows by partner, and its totals against every
    partner now (None: no longer published)."""

    id: int
    rows: dict[int, StoredRow]
    totals: np.ndarray | None

    def now(self, partner: int | None) -> float:
        if self.totals is None or partner is None:
            return -np.inf
        return float(self.totals[partner])


@dataclass(frozen=True)
class _Ranking:
    """Partners' own rankings of the changed kind: rows by `key` (the partner: offers if
    `by_offer`) and `partner` (the ranked listing), ranked in the `rank` attribute."""

    key: Any
    partner: Any
    rank: str
    partners: Listings
    by_offer: bool


class _Ranked(NamedTuple):
    """A partner's stored place in a ranking."""

    score: float
    rank: int


def _places(ranked: list[int]) -> dict[int, int]:
    """Ranks 1..n of the partners in `ranked` (ids, best first)."""
    return {partner: rank for rank, partner in enumerate(ranked, start=1)}


def nth_score_query(rank_column: Any, key_column: Any, seeker_column: Any) -> Select[Any]:
    """The N-th score of each full ranking in `rank_column` among pairs with a seeker in
    `seeker_column`, by `key_column`: only indexed columns (ix_matches_seeker_nth,
    ix_matches_offer_nth), so the read never visits the wide rows."""
    return select(key_column, Match.score).where(rank_column == TOP_N, seeker_column.is_not(None))


class _Rows:
    """One side's stored rows (opportunities or needs with offers), read and written."""

    def __init__(self, scene: Scene, side: Side) -> None:
        self.scene, self.side = scene, side
        self.column = getattr(Match, side.column)
        self.seekers, _ = scene.seekers(side)
        self.stored = RecomputeRows(side.column)
        # Scores already worked out against every partner, by scene index (see `_pair`):
        # the changed seeker's against every offer, rescanned offers' against every seeker.
        self.seekers_scores: dict[int, Scores] = {}
        self.offers_scores: dict[int, Scores] = {}

    def of_seeker(self, seeker_id: int) -> dict[int, StoredRow]:
        return self.stored.of(False, [seeker_id])[seeker_id]

    def of_offer(self, offer_id: int) -> dict[int, StoredRow]:
        return self.stored.of(True, [offer_id])[offer_id]

    def ranks(self, ranking: _Ranking, keys: Collection[int]) -> dict[int, dict[int, _Ranked]]:
        """Each of `keys`' ranked partners with their score and rank: what a merge reads,
        without loading the rows (thousands, for an opportunity in many offers' rankings)."""
        rank = getattr(Match, ranking.rank)
        found: dict[int, dict[int, _Ranked]] = {k: {} for k in keys}
        for chosen in batches(found):
            query = select(ranking.key, ranking.partner, Match.score, rank).where(
                ranking.key.in_(chosen), ranking.partner.is_not(None), rank.is_not(None)
            )
            for key, partner, score, place in db.session.execute(query):
                found[key][partner] = _Ranked(score, place)
        return found

    def floor(self, rank_column: Any, key_column: Any, listings: Listings) -> np.ndarray:
        """Per listing, the score a newcomer must reach: the N-th ranked score of its full
        ranking, or -inf if not full. Read as plain rows straight into arrays, not through a
        dict (every offer's N-th, 15,000 rows at 10,000 suppliers: 19 -> 11 ms CPU)."""
        query = nth_score_query(rank_column, key_column, self.column)
        rows = db.session.connection().execute(query).all()
        ids = np.fromiter((row[0] for row in rows), np.int64, len(rows))
        scores = np.fromiter((row[1] for row in rows), np.float64, len(rows))
        return values_by_id(listings.ids, ids, scores, -np.inf)

    def seeker_changed(self, seeker_id: int) -> None:
        """A seeker changed: its own top N, and the offers' rankings it may enter or leave."""
        scene, offers = self.scene, self.scene.offers
        seeker = self.seekers.index.get(seeker_id)
        totals = None
        if seeker is not None:
            scores = self.seekers_scores[seeker] = scene.seeker_scores(self.side, seeker)
            totals = scores.total

        def rescanned(offer_ids: list[int]) -> dict[int, list[int]]:
            ids, found = self.seekers.ids, {}
            scene.look_up_words(self.side, [offers.index[offer_id] for offer_id in offer_ids])
            for offer_id in offer_ids:
                offer = offers.index[offer_id]
                scores = scene.storable_offer_scores(self.side, offer)
                self.offers_scores[offer] = scores
                found[offer_id] = [int(ids[s]) for s in best(scores.total)]
            return found

        self._rerank(
            _Change(seeker_id, self.of_seeker(seeker_id), totals),
            _Ranking(Match.offer_id, self.column, "offer_rank", offers, by_offer=True),
            self.floor(Match.offer_rank, Match.offer_id, offers),
            rescanned,
            lambda offer_id, s_id: (self.seekers.index[s_id], offers.index.get(offer_id)),
        )
        top = [] if totals is None else [int(offers.ids[o]) for o in best(totals)]
        self._set_ranks(
            self.of_seeker(seeker_id), top, "seeker_rank", lambda o_id: (seeker, offers.index[o_id])
        )
        self._refresh(self.of_seeker(seeker_id).values())
        self.stored.write()

    def offer_changed(self, offer_id: int) -> None:
        """An offer changed: the seekers' rankings it may enter or leave, and its own top N."""
        scene, seekers = self.scene, self.seekers
        offer = scene.offers.index.get(offer_id)
        totals = None if offer is None else scene.offer_totals(self.side, [offer])[:, 0]

        def rescanned(seeker_ids: list[int]) -> dict[int, list[int]]:
            return {
                s: [
                    int(scene.offers.ids[o])
                    for o in best(scene.seeker_totals(self.side, seekers.index[s]))
                ]
                for s in seeker_ids
            }

        self._rerank(
            _Change(offer_id, self.of_offer(offer_id), totals),
            _Ranking(self.column, Match.offer_id, "seeker_rank", seekers, by_offer=False),
            self.floor(Match.seeker_rank, self.column, seekers),
            rescanned,
            lambda s_id, o_id: (seekers.index.get(s_id), scene.offers.index[o_id]),
        )
        top = [] if totals is None else [int(seekers.ids[s]) for s in best(totals)]
        self._set_ranks(
            self.of_offer(offer_id), top, "offer_rank", lambda s_id: (seekers.index[s_id], offer)
        )
        self._refresh(self.of_offer(offer_id).values())
        self.stored.write()

    def _rerank(
        self,
        change: _Change,
        ranking: _Ranking,
        floor: np.ndarray,
        rescanned: Callable[[list[int]], dict[int, list[int]]],
        pair: Callable[[int, int], tuple[int | None, int | None]],
    ) -> None:
        """The partners' rankings the changed listing was in or now enters: merged from
        their stored scores, or scored in full (`rescanned`) where its score fell to the
        foot of its ranking or the ranking is not full (someone unranked may now come
        before it); a full ranking it stays above the foot of keeps its members."""
        partners, rank = ranking.partners, ranking.rank
        was_in = {
            partner: row.score
            for partner, row in change.rows.items()
            if getattr(row, rank) is not None
            and row.state == SUGGESTED
            and partner in partners.index
        }
        entering = set()
        if change.totals is not None:
            found = np.isfinite(change.totals) & (change.totals >= floor)
            entering = {int(partners.ids[i]) for i in np.flatnonzero(found)}
        stored = self.ranks(ranking, was_in.keys() | entering)
        rankings, rescan = {}, []
        for partner, members in stored.items():
            ranked = [(member.score, p) for p, member in members.items()]
            now = change.now(partners.index.get(partner))
            fell = partner in was_in and now < was_in[partner] - SAME_SCORE
            if fell and (len(ranked) < TOP_N or _at_or_below_foot(now, ranked)):
                rescan.append(partner)
                continue
            others = [(score, p) for score, p in ranked if p != change.id]
            rankings[partner] = _merged(others, (now, change.id) if np.isfinite(now) else None)
        rankings |= rescanned(sorted(rescan))
        moved = [
            partner
            for partner, ranked_ids in rankings.items()
            if _places(ranked_ids) != {p: member.rank for p, member in stored[partner].items()}
        ]
        rows = self.stored.of(ranking.by_offer, moved)
        for partner in moved:
            self._set_ranks(rows[partner], rankings[partner], rank, partial(pair, partner))

    def _set_ranks(
        self,
        existing: dict[int, StoredRow],
        ranked: list[int],
        attribute: str,
        pair: Callable[[int], tuple[int | None, int | None]],
    ) -> None:
        """Give the partners in `ranked` (ids, best first) ranks 1..n in `attribute`, clear
        the others, create missing rows, and delete suggested rows ranked nowhere; written
        when the recompute of the listing ends (`RecomputeRows.write`)."""
        new = _places(ranked)
        for partner, row in existing.items():
            if row.state != SUGGESTED:
                continue
            row.set(attribute, new.get(partner))
            if row.seeker_rank is None and row.offer_rank is None:
                self.stored.delete(row)
        for partner, rank in new.items():
            if partner not in existing:
                seeker, offer = pair(partner)
                created = self._create(seeker, offer, explained=attribute == "seeker_rank")
                if created is not None:
                    created.set(attribute, rank)

    def _pair(self, seeker: int | None, offer: int | None) -> PairScore | None:
        """The pair's scores; None if either side is unpublished or the pair is out of reach.
        The changed seeker's pairs (thousands, for an opportunity in many offers' rankings)
        come from its scores against every offer, as a rebuild's do, and those of offers
        rescanned from theirs against every seeker; others are scored on their own."""
        if seeker is None or offer is None:
            return None
        if seeker in self.seekers_scores:
            scores, at = self.seekers_scores[seeker], offer
        elif offer in self.offers_scores:
            scores, at = self.offers_scores[offer], seeker
        else:
            return self.scene.pair(self.side, seeker, offer)
        if not np.isfinite(scores.total[at]):
            return None
        parts = (scores.total, scores.location, scores.toms, scores.fit, scores.distance_m)
        return PairScore(*(float(part[at]) for part in parts))

    def _reasons(self, seeker: int, offer: int, pair: PairScore) -> list[str]:
        return self.scene.reasons(self.side, seeker, offer, pair.distance_m, pair.fit)

    def _create(self, seeker: int | None, offer: int | None, explained: bool) -> StoredRow | None:
        """A new row for the pair, with its reasons if `explained` (a pair entering a
        seeker's top N); None if the pair cannot be stored."""
        pair = self._pair(seeker, offer)
        if seeker is None or offer is None or pair is None:
            return None
        reasons = self._reasons(seeker, offer, pair) if explained else None
        return self.stored.create(
            int(self.seekers.ids[seeker]),
            int(self.scene.offers.ids[offer]),
            row_fields(pair, reasons, self.scene),
        )

    def _refresh(self, rows: Iterable[StoredRow]) -> None:
        """Re-score the changed listing's suggested rows with what it says now, with reasons
        only where the pair is in its seeker's top N (as a rebuild stores them: the rest are
        explained when shown)."""
        for row in rows:
            if row.state != SUGGESTED:
                continue
            seeker = self.seekers.index.get(row.seeker)
            offer = self.scene.offers.index.get(row.offer)
            pair = self._pair(seeker, offer)
            if seeker is None or offer is None or pair is None:
                self.stored.delete(row)
                continue
            reasons = None if row.seeker_rank is None else self._reasons(seeker, offer, pair)
            for name, value in row_fields(pair, reasons, self.scene).items():
                row.set(name, value)
