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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

import numpy as np
from sqlalchemy import Table, delete, select

from ..bulk_rows import insert_rows
from ..extensions import db
from ..listings.models import Listing, Offer
from ..matching.engine import Scores
from ..types import utcnow
from . import kept
from .models import Match, State
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
    merged_pairs,
    offer_ranks,
)

SUGGESTED = State.SUGGESTED.value
# A pair scored in the full pool or on its own differs by float noise at most: a smaller
# difference is no change.
SAME_SCORE = 1e-6


@dataclass(frozen=True)
class RebuildReport:
    pairs: int
    seconds: float
    policy_version: int


def _fields(pair: PairScore, reasons: list[str], scene: Scene) -> dict[str, Any]:
    """A row's scores and reasons."""
    return {
        "score": pair.score,
        "location_score": pair.location,
        "toms_score": pair.toms,
        "fit_score": pair.fit,
        "distance_m": pair.distance_m,
        "stored_reasons": reasons,
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
    db.session.execute(delete(Match).where(Match.state == SUGGESTED))
    rows = rows_for(scene, _acted_on_pairs(scene), progress)
    stored = insert_rows(db.session.connection(), cast(Table, Match.__table__), rows)
    db.session.flush()
    return RebuildReport(stored, time.perf_counter() - started, scene.in_force.version)


def rows_for(
    scene: Scene,
    acted: set[tuple[Side, int, int]],
    progress: Callable[[int], None] = lambda done: None,
) -> Iterator[dict[str, Any]]:
    """Every pair to store, as rows for a bulk insert, leaving out the `acted` on ones.

    Scores and components come straight from the vectorised pass, with reasons for the
    pairs in a seeker's top N (the rest are explained when shown); offers' own top N come
    from the same pass: each seeker's scores update a running best N per offer, so no
    offer is queried on its own.
    """
    ranked = [(side, _rank_side(scene, side, progress)) for side in SIDES]
    common: dict[str, Any] = {"opportunity_id": None, "need_id": None, "state": SUGGESTED}
    common["version"] = 1
    common |= {"policy_version": scene.in_force.version, "computed_at": utcnow()}
    for side, pairs in ranked:
        listings, _ = scene.seekers(side)
        skip = {(seeker, offer) for s, seeker, offer in acted if s == side}
        columns = zip(
            listings.ids[pairs.seekers].tolist(),
            scene.offers.ids[pairs.offers].tolist(),
            pairs.seeker_rank.tolist(),
            pairs.offer_rank.tolist(),
            pairs.parts.tolist(),
            pairs.seekers.tolist(),
            pairs.offers.tolist(),
            strict=True,
        )
        for seeker_id, offer_id, seeker_rank, offer_rank, parts, seeker, offer in columns:
            if (seeker, offer) in skip:
                continue
            row = dict(zip(PARTS, parts, strict=True))
            reasons = None
            if seeker_rank:
                fit, distance_m = row["fit_score"], row["distance_m"]
                reasons = scene.reasons(side, seeker, offer, distance_m, fit)
            yield {
                **common,
                **row,
                "offer_id": offer_id,
                side.column: seeker_id,
                "seeker_rank": seeker_rank or None,
                "offer_rank": offer_rank or None,
                "reasons": reasons,
            }


def seekers_to_rank(scene: Scene) -> int:
    """How many seekers a rebuild queries (for a progress bar's length)."""
    return sum(len(scene.seekers(side)[0]) for side in SIDES)


def _parts(scores: Scores, rows: np.ndarray | list[int]) -> np.ndarray:
    columns = (scores.total, scores.location, scores.toms, scores.fit, scores.distance_m)
    return np.stack([column[rows] for column in columns], axis=-1)


def _rank_side(scene: Scene, side: Side, progress: Callable[[int], None]) -> Ranked:
    """Each seeker's top N offers and each offer's top N seekers (a running best N per
    offer, in arrays), merged into one set of pairs."""
    n_seekers, n_offers = len(scene.seekers(side)[0]), len(scene.offers)
    top = np.full((n_seekers, TOP_N), -1, dtype=np.int64)
    top_parts = np.zeros((n_seekers, TOP_N, len(PARTS)))
    kept = np.full((n_offers, TOP_N, len(PARTS)), -np.inf)
    kept_by = np.full((n_offers, TOP_N), -1, dtype=np.int64)
    floor = np.full(n_offers, -np.inf)
    slot = np.zeros(n_offers, dtype=np.int64)
    for seeker in range(n_seekers):
        scores = scene.seeker_scores(side, seeker)
        best_offers = best(scores.total)
        top[seeker, : len(best_offers)] = best_offers
        top_parts[seeker, : len(best_offers)] = _parts(scores, best_offers)
        # Offers this seeker beats the weakest of: it takes that one's place.
        gaining = np.flatnonzero(scores.total > floor)
        kept[gaining, slot[gaining]] = _parts(scores, gaining)
        kept_by[gaining, slot[gaining]] = seeker
        slot[gaining] = kept[gaining, :, 0].argmin(axis=1)
        floor[gaining] = kept[gaining, :, 0].min(axis=1)
        progress(1)
    seekers, columns = np.nonzero(top >= 0)
    by_seeker = (seekers, top[seekers, columns], columns + 1, top_parts[seekers, columns])
    offers, slots = np.nonzero(np.isfinite(kept[:, :, 0]))
    by_offer = offer_ranks(offers, kept_by[offers, slots], kept[offers, slots])
    return merged_pairs(by_seeker, by_offer, n_offers)


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


def _threshold(nth: dict[int, float], listings: Listings) -> np.ndarray:
    """Per listing, the score a newcomer must reach: its N-th score, or -inf if not full."""
    floor = np.full(len(listings), -np.inf)
    for listing_id, score in nth.items():
        if listing_id in listings.index:
            floor[listings.index[listing_id]] = score
    return floor


class _Rows:
    """One side's stored rows (opportunities or needs with offers), read and written."""

    def __init__(self, scene: Scene, side: Side) -> None:
        self.scene, self.side = scene, side
        self.column = getattr(Match, side.column)
        self.seekers, _ = scene.seekers(side)

    def of_seeker(self, seeker_id: int) -> dict[int, Match]:
        found = db.session.scalars(select(Match).where(self.column == seeker_id))
        return {row.offer_id: row for row in found}

    def of_offer(self, offer_id: int) -> dict[int, Match]:
        found = db.session.scalars(
            select(Match).where(Match.offer_id == offer_id, self.column.is_not(None))
        )
        return {getattr(row, self.side.column): row for row in found}

    def nth_scores(self, rank_column: Any, key_column: Any) -> dict[int, float]:
        """The N-th ranked score of each listing whose ranking is full."""
        query = select(key_column, Match.score).where(
            rank_column == TOP_N, self.column.is_not(None)
        )
        return {key: score for key, score in db.session.execute(query)}

    def seeker_changed(self, seeker_id: int) -> None:
        """A seeker changed: its own top N, and the offers' rankings it may enter or leave."""
        scene, offers = self.scene, self.scene.offers
        seeker = self.seekers.index.get(seeker_id)
        totals = None if seeker is None else scene.seeker_totals(self.side, seeker)
        floor = _threshold(self.nth_scores(Match.offer_rank, Match.offer_id), offers)
        changes = self._changes(self.of_seeker(seeker_id), "offer_rank", offers, totals, floor)
        rescan, merge = changes
        rankings = {o: self._merged_offer(o, seeker_id, totals) for o in merge}
        if rescan:
            columns = scene.offer_totals(self.side, [offers.index[o] for o in rescan])
            for j, offer_id in enumerate(rescan):
                rankings[offer_id] = [int(self.seekers.ids[s]) for s in best(columns[:, j])]
        for offer_id, ranked in rankings.items():
            o = offers.index.get(offer_id)
            self._set_ranks(
                self.of_offer(offer_id), ranked, "offer_rank", partial(self._seeker_pair, o)
            )
        top = [] if totals is None else [int(offers.ids[o]) for o in best(totals)]
        self._set_ranks(
            self.of_seeker(seeker_id), top, "seeker_rank", lambda o_id: (seeker, offers.index[o_id])
        )
        self._refresh(self.of_seeker(seeker_id).values())

    def offer_changed(self, offer_id: int) -> None:
        """An offer changed: the seekers' rankings it may enter or leave, and its own top N."""
        scene, seekers = self.scene, self.seekers
        offer = scene.offers.index.get(offer_id)
        totals = None if offer is None else scene.offer_totals(self.side, [offer])[:, 0]
        floor = _threshold(self.nth_scores(Match.seeker_rank, self.column), seekers)
        rescan, merge = self._changes(
            self.of_offer(offer_id), "seeker_rank", seekers, totals, floor
        )
        rankings = {s: self._merged_seeker(s, offer_id, totals) for s in merge}
        for seeker_id in rescan:
            seeker_totals = scene.seeker_totals(self.side, seekers.index[seeker_id])
            rankings[seeker_id] = [int(scene.offers.ids[o]) for o in best(seeker_totals)]
        for seeker_id, ranked in rankings.items():
            s = seekers.index.get(seeker_id)
            self._set_ranks(
                self.of_seeker(seeker_id), ranked, "seeker_rank", partial(self._offer_pair, s)
            )
        top = [] if totals is None else [int(seekers.ids[s]) for s in best(totals)]
        self._set_ranks(
            self.of_offer(offer_id), top, "offer_rank", lambda s_id: (seekers.index[s_id], offer)
        )
        self._refresh(self.of_offer(offer_id).values())

    def _changes(
        self,
        rows: dict[int, Match],
        rank: str,
        partners: Listings,
        totals: np.ndarray | None,
        floor: np.ndarray,
    ) -> tuple[list[int], set[int]]:
        """Partners whose ranking the changed listing was in and fell in (recompute them
        in full: someone else moves up), and those it stays in or now enters (merge)."""

        def now(partner_id: int) -> float:
            index = partners.index.get(partner_id)
            return -np.inf if totals is None or index is None else float(totals[index])

        was_in = {
            partner: row.score
            for partner, row in rows.items()
            if getattr(row, rank) is not None
            and row.state == SUGGESTED
            and partner in partners.index
        }
        rescan = sorted(
            partner for partner, old in was_in.items() if now(partner) < old - SAME_SCORE
        )
        entering = set()
        if totals is not None:
            entering = {
                int(partners.ids[i])
                for i in np.flatnonzero(np.isfinite(totals) & (totals >= floor))
            }
        return rescan, (set(was_in) | entering) - set(rescan)

    def _merged_offer(self, offer_id: int, seeker_id: int, totals: np.ndarray | None) -> list[int]:
        ranked = [
            (r.score, s)
            for s, r in self.of_offer(offer_id).items()
            if r.offer_rank and s != seeker_id
        ]
        index = self.scene.offers.index[offer_id]
        return _merged(ranked, None if totals is None else (float(totals[index]), seeker_id))

    def _merged_seeker(self, seeker_id: int, offer_id: int, totals: np.ndarray | None) -> list[int]:
        ranked = [
            (r.score, o)
            for o, r in self.of_seeker(seeker_id).items()
            if r.seeker_rank and o != offer_id
        ]
        index = self.seekers.index[seeker_id]
        return _merged(ranked, None if totals is None else (float(totals[index]), offer_id))

    def _seeker_pair(self, offer: int | None, seeker_id: int) -> tuple[int | None, int | None]:
        """The scene's (seeker, offer) positions of a seeker ranked for `offer`."""
        return self.seekers.index[seeker_id], offer

    def _offer_pair(self, seeker: int | None, offer_id: int) -> tuple[int | None, int | None]:
        """The scene's (seeker, offer) positions of an offer ranked for `seeker`."""
        return seeker, self.scene.offers.index[offer_id]

    def _set_ranks(
        self,
        existing: dict[int, Match],
        ranked: list[int],
        attribute: str,
        pair: Callable[[int], tuple[int | None, int | None]],
    ) -> None:
        """Give the partners in `ranked` (ids, best first) ranks 1..n in `attribute`, clear
        the others, create missing rows, and delete suggested rows ranked nowhere."""
        new = {partner: rank for rank, partner in enumerate(ranked, start=1)}
        for partner, row in existing.items():
            if row.state != SUGGESTED:
                continue
            setattr(row, attribute, new.get(partner))
            if row.seeker_rank is None and row.offer_rank is None:
                db.session.delete(row)
        for partner, rank in new.items():
            if partner not in existing:
                seeker, offer = pair(partner)
                created = self._create(seeker, offer)
                if created is not None:
                    setattr(created, attribute, rank)
        db.session.flush()

    def _scored(self, seeker: int | None, offer: int | None) -> dict[str, Any] | None:
        """The pair's row fields (scores, components, reasons); None if either side is
        unpublished or the pair is out of reach."""
        if seeker is None or offer is None:
            return None
        pair = self.scene.pair(self.side, seeker, offer)
        if pair is None:
            return None
        reasons = self.scene.reasons(self.side, seeker, offer, pair.distance_m, pair.fit)
        return _fields(pair, reasons, self.scene)

    def _create(self, seeker: int | None, offer: int | None) -> Match | None:
        fields = self._scored(seeker, offer)
        if fields is None:
            return None
        row = Match(
            offer_id=int(self.scene.offers.ids[offer]),
            **{self.side.column: int(self.seekers.ids[seeker])},
            **fields,
        )
        db.session.add(row)
        return row

    def _refresh(self, rows: Iterable[Match]) -> None:
        """Re-score the changed listing's suggested rows with what it says now."""
        for row in rows:
            if row.state != SUGGESTED:
                continue
            fields = self._scored(
                self.seekers.index.get(getattr(row, self.side.column)),
                self.scene.offers.index.get(row.offer_id),
            )
            if fields is None:
                db.session.delete(row)
                continue
            for name, value in fields.items():
                setattr(row, name, value)
        db.session.flush()
