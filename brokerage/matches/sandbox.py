"""Trying a draft matching policy: how the top N of a sample of published opportunities
and needs would change under it, and why, before staff publish it. Reads only.

Both policies score the same published offers by the rules stored matches follow
(`Scene.seeker_scores`: in reach, at least MIN_SCORE, not the seeker's own organisation).
The sample is up to SAMPLE_SIZE of each side, most recently changed first (last update,
else creation, then the newer id): the listings people are working on now, and the same
ones on every try, so two drafts can be compared with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import func, select

from ..extensions import db
from ..formatting import sentence
from ..listings.choices import ListingStatus
from ..listings.kinds import KIND_OF_MODEL
from ..listings.models import Listing, Offer
from ..matching import MatchingPolicy
from ..matching.engine import Scores
from . import scene
from .scene import MIN_SCORE, SIDES, Listings, Scene, Side, best
from .supplier_sandbox import SupplierRankings, compare_supplier_rankings

SAMPLE_SIZE = 10
# Smaller differences are float noise, not a change.
NOISE = 1e-9
COMPONENTS = {"location": "location", "toms": "TOMs", "fit": "offer fit"}
# The settings that shape each component's own score, as a reason names them (and unit).
SETTINGS = {
    "location": {
        "local_km": ("local distance", " km"),
        "half_life_km": ("half-life", " km"),
        "priority_place_boost": ("priority place boost", ""),
        "sent_help_location_floor": ("location score of help sent from afar", ""),
    },
    "toms": {
        "same_outcome_credit": ("credit for the same outcome", ""),
        "same_theme_credit": ("credit for the same theme", ""),
        "wordless_measure_share": ("credit for measures with no words in common", ""),
        "confirming_fit": ("description fit that confirms a measure", ""),
        "same_help_fit": ("description fit that says the same help", ""),
        "full_cover_share": ("share of the quantity that counts in full", ""),
    },
    "fit": {
        "category_share": ("share of fit from category", ""),
        "word_similarity_cutoff": ("word similarity cut-off", ""),
    },
}


@dataclass(frozen=True)
class Parts:
    """A pair's components under one policy, and its total (None: below MIN_SCORE)."""

    total: float | None
    location: float
    toms: float
    fit: float


@dataclass(frozen=True)
class Row:
    """One offer in a seeker's top N under either policy. Positions count every kept
    offer (1: best); None: below MIN_SCORE under that policy."""

    offer_id: int
    offer_ref: str
    offer_title: str
    organisation: str
    distance_km: float
    before_position: int | None
    after_position: int | None
    before: Parts
    after: Parts
    change: str  # "entered", "left" or "same"
    why: str = ""

    @property
    def move(self) -> int:
        """Places moved up (negative: down); 0 unless in both top Ns."""
        if self.change != "same":
            return 0
        return (self.before_position or 0) - (self.after_position or 0)


@dataclass(frozen=True)
class SeekerComparison:
    kind: str  # "opportunity" or "need": the listing's endpoints
    listing_id: int
    ref: str
    title: str
    organisation: str
    rows: list[Row]  # the draft's top N, best first, then those that left

    @property
    def changed(self) -> bool:
        return any(row.change != "same" or row.move for row in self.rows)


@dataclass(frozen=True)
class Summary:
    seekers: int
    changed: int
    entered: int
    left: int
    mean_move: float  # mean places moved (either way) by offers in both top Ns


@dataclass(frozen=True)
class Comparison:
    in_force_version: int
    before: MatchingPolicy
    after: MatchingPolicy
    top_n: int
    min_score: float
    sample_size: int
    seekers: list[SeekerComparison]
    summary: Summary
    # Opportunities' top suppliers, when what buyers value or the place bonuses differ.
    suppliers: list[SupplierRankings]


def compare_policies(draft: MatchingPolicy) -> Comparison:
    """Each sampled seeker's top N under the policy in force and under `draft`."""
    current = Scene()
    seekers = [
        _compare_seeker(current, draft, side, index)
        for side in SIDES
        for index in _sample(current, side)
    ]
    return Comparison(
        current.in_force.version,
        current.in_force.policy,
        draft,
        scene.TOP_N,
        MIN_SCORE,
        SAMPLE_SIZE,
        seekers,
        _summary(seekers),
        compare_supplier_rankings(current.in_force.policy, draft),
    )


def _sample(current: Scene, side: Side) -> list[int]:
    """Scene indices of the side's most recently changed published listings, newest first."""
    model = side.model
    changed = func.coalesce(model.updated_at, model.created_at)
    recent = db.session.scalars(
        select(model.id)
        .where(model.status == ListingStatus.PUBLISHED.value)
        .order_by(changed.desc(), model.id.desc())
        .limit(SAMPLE_SIZE)
    )
    index = current.seekers(side)[0].index
    return [index[listing_id] for listing_id in recent if listing_id in index]


def _positions(scores: Scores) -> dict[int, int]:
    """Every kept offer's place (1: best), ordered as stored matches rank them."""
    return {offer: place for place, offer in enumerate(best(scores.total, scores.total.size), 1)}


def _parts(scores: Scores, offer: int) -> Parts:
    total = float(scores.total[offer])
    return Parts(
        total if np.isfinite(total) else None,
        float(scores.location[offer]),
        float(scores.toms[offer]),
        float(scores.fit[offer]),
    )


def _compare_seeker(
    current: Scene, draft: MatchingPolicy, side: Side, seeker: int
) -> SeekerComparison:
    before = current.seeker_scores(side, seeker)
    after = current.seeker_scores(side, seeker, draft)
    was, now = _positions(before), _positions(after)
    shown = [o for o, p in sorted(now.items(), key=lambda item: item[1]) if p <= scene.TOP_N]
    shown += [o for o, p in sorted(was.items(), key=lambda item: item[1]) if p <= scene.TOP_N]
    rows = [
        _row(
            _listing(Offer, current.offers, offer),
            was.get(offer),
            now.get(offer),
            before,
            after,
            offer,
        )
        for offer in dict.fromkeys(shown)
    ]
    old, new = current.in_force.policy, draft
    listing = _listing(side.model, current.seekers(side)[0], seeker)
    return SeekerComparison(
        KIND_OF_MODEL[side.model].name,
        listing.id,
        listing.ref,
        listing.title,
        listing.organisation.name,
        [replace(row, why=sentence(_why(row, rows, old, new))) for row in rows],
    )


def _listing(model: type[Listing], listings: Listings, index: int) -> Listing:
    """The mapped listing behind a scene row, for its title and organisation's name."""
    return db.session.get_one(model, int(listings.ids[index]))


def _row(
    listing: Listing, was: int | None, now: int | None, before: Scores, after: Scores, offer: int
) -> Row:
    """The row without its reason, which needs the other rows."""
    inside = [position is not None and position <= scene.TOP_N for position in (was, now)]
    change = "same" if inside[0] == inside[1] else ("entered" if inside[1] else "left")
    return Row(
        listing.id,
        listing.ref,
        listing.title,
        listing.organisation.name,
        float(before.distance_m[offer]) / 1000,
        was,
        now,
        _parts(before, offer),
        _parts(after, offer),
        change,
    )


def _gains(row: Row, old: MatchingPolicy, new: MatchingPolicy) -> np.ndarray:
    """How much each component's contribution to the total (its share times its score)
    rose from the policy in force to the draft; negative: fell."""
    before = [getattr(row.before, name) for name in COMPONENTS]
    after = [getattr(row.after, name) for name in COMPONENTS]
    return np.array(new.component_weights) * after - np.array(old.component_weights) * before


def _why(row: Row, rows: list[Row], old: MatchingPolicy, new: MatchingPolicy) -> str:
    """The component that made the difference, in words (the caller starts it with a
    capital, as the match reasons start).

    An offer that entered is compared with the last-placed offer that left (the one it
    pushed out), and one that left with the last-placed offer that entered: the component
    that moved the gap between the two most is named. An offer crossing MIN_SCORE, or
    staying in, is explained by its own largest change.
    """
    gains = _gains(row, old, new)
    if row.change != "same" and row.before.total is not None and row.after.total is not None:
        rival = _rival(row, rows)
        gap = gains - _gains(rival, old, new)
        component = int(np.argmax(gap) if row.change == "entered" else np.argmin(gap))
        verb, outcome = ("gains", "left") if row.change == "entered" else ("loses", "entered")
        return (
            f"{_component_change(component, row, old, new)}; {verb} "
            f"{abs(gap[component]):.2f} on {rival.offer_title}, which {outcome}"
        )
    if np.all(np.abs(gains) < NOISE):
        moved = "; others moved around it" if row.before_position != row.after_position else ""
        return f"its score is unchanged{moved}"
    component = int(np.argmax(np.abs(gains)))
    prefix = ""
    if row.after.total is None:
        prefix = f"now below the {MIN_SCORE:.2f} minimum: "
    elif row.before.total is None:
        prefix = f"now above the {MIN_SCORE:.2f} minimum: "
    change = _component_change(component, row, old, new)
    return f"{prefix}{change} ({gains[component]:+.2f} to the total)"


def _rival(row: Row, rows: list[Row]) -> Row:
    """The last-placed offer that crossed the cut the other way."""
    if row.change == "entered":
        return max((r for r in rows if r.change == "left"), key=lambda r: r.before_position or 0)
    return max((r for r in rows if r.change == "entered"), key=lambda r: r.after_position or 0)


def _component_change(component: int, row: Row, old: MatchingPolicy, new: MatchingPolicy) -> str:
    """E.g. "location counts 0.39 instead of 0.30: 12.0 km away, location 0.41"."""
    name = list(COMPONENTS)[component]
    label = COMPONENTS[name]
    changes = []
    old_share, new_share = old.component_weights[component], new.component_weights[component]
    if abs(new_share - old_share) > NOISE:
        changes.append(f" counts {new_share:.2f} instead of {old_share:.2f}")
    for setting, (words, unit) in SETTINGS[name].items():
        was, now = getattr(old, setting), getattr(new, setting)
        if abs(now - was) > NOISE:
            changes.append(f" with {words} {now:g}{unit} instead of {was:g}{unit}")
    before, after = getattr(row.before, name), getattr(row.after, name)
    score = f"{label} {after:.2f}" + (f" (was {before:.2f})" if abs(after - before) > NOISE else "")
    where = f"{row.distance_km:.1f} km away, " if name == "location" else ""
    return f"{label}{','.join(changes)}: {where}{score}"


def _summary(seekers: list[SeekerComparison]) -> Summary:
    rows = [row for seeker in seekers for row in seeker.rows]
    moves = [abs(row.move) for row in rows if row.change == "same"]
    return Summary(
        len(seekers),
        sum(seeker.changed for seeker in seekers),
        sum(row.change == "entered" for row in rows),
        sum(row.change == "left" for row in rows),
        float(np.mean(moves)) if moves else 0.0,
    )
