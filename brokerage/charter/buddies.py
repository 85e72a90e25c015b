"""Buddy suggestions: organisations that have implemented a pledge, ranked by the matching
core so that nearby organisations of a similar sector and size come first.

The charter is one more pair of sides for the core: the signee is the `Wanted` (its
postcode's grid point, its sector as the category, its size band as the text) and each
organisation that has implemented the pledge is a `Candidate` offering that pledge as its
"measure". The core's policy and scorer are used as they are; only the weights below are
the charter's own, since every candidate has the pledge and the TOMs part cannot rank them.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from itertools import takewhile
from typing import NamedTuple

from sqlalchemy import select

from ..accounts.models import Organisation
from ..extensions import db
from ..formatting import format_date, sentence
from ..listings.choices import Size
from ..matching import (
    Candidate,
    CandidatePool,
    Catalogue,
    MatchingPolicy,
    MeasureInfo,
    Wanted,
    WantedMeasure,
    rank,
)
from ..places.lookup import GridPoint, locate_postcode
from ..places.postcodes import InvalidPostcode
from .choices import CheckInKind, PledgeProgress, Sector, SigneeStatus
from .models import CheckIn, CheckInRecord, Pledge, SignedPledge, Signee

# Distance and likeness share the score; the pledge part is the same for every candidate
# (each has implemented it), so it carries little. Likeness is half sector, half size.
BUDDY_POLICY = MatchingPolicy(
    location_weight=0.5,
    toms_weight=0.1,
    fit_weight=0.4,
    local_km=5.0,
    half_life_km=10.0,
    priority_place_boost=0.0,
    category_share=0.5,
    # Every candidate implemented the pledge, and the text is only a size: a different
    # size is no reason to count the pledge for less.
    wordless_measure_share=1.0,
)
TOP_SUGGESTIONS = 5
CHARTER_THEME = "Inclusive Economy Charter"


@dataclass(frozen=True)
class Implemented:
    """A signee's pledge whose latest status, at a meeting held, is implemented: at the
    meeting `kind` on `held_on`, and without a break since the meeting on `since`."""

    signee: Signee
    pledge_id: int
    held_on: date
    kind: CheckInKind
    since: date


@dataclass(frozen=True)
class BuddySuggestion:
    organisation: Organisation
    score: float
    distance_km: float
    reasons: tuple[str, ...]


class _Meeting(NamedTuple):
    held_on: date
    order: int
    status: str
    kind: CheckInKind


def _meetings_by_pledge() -> dict[tuple[Signee, int], list[_Meeting]]:
    """Per approved signee and pledge, its status at each meeting held, earliest first."""
    rows = db.session.execute(
        select(CheckInRecord.status, CheckIn.held_on, CheckIn.kind, SignedPledge.pledge_id, Signee)
        .join(CheckInRecord.check_in)
        .join(CheckInRecord.signed_pledge)
        .join(Signee, Signee.id == SignedPledge.signee_id)
        .where(CheckIn.held_on.is_not(None), Signee.status == SigneeStatus.APPROVED)
    ).all()
    meetings: dict[tuple[Signee, int], list[_Meeting]] = {}
    for status, held_on, kind, pledge_id, signee in rows:
        if held_on is None:  # the query leaves meetings not held out; this tells mypy
            continue
        meeting = _Meeting(held_on, CheckInKind(kind).order, status, CheckInKind(kind))
        meetings.setdefault((signee, pledge_id), []).append(meeting)
    return {key: sorted(held) for key, held in meetings.items()}


def implemented_pledges() -> list[Implemented]:
    """Every approved signee's pledges that stand implemented at their latest meeting."""
    found = []
    for (signee, pledge_id), held in _meetings_by_pledge().items():
        run = list(takewhile(lambda m: m.status == PledgeProgress.IMPLEMENTED, reversed(held)))
        if run:
            latest = run[0]
            found.append(
                Implemented(signee, pledge_id, latest.held_on, latest.kind, since=run[-1].held_on)
            )
    return found


def _grid_point(organisation: Organisation) -> GridPoint | None:
    try:
        return locate_postcode(organisation.postcode)
    except InvalidPostcode:
        return None


def _catalogue(pledge: Pledge) -> Catalogue:
    return Catalogue(
        [MeasureInfo(pledge.code, pledge.current.title, "pledge", pledge.code, CHARTER_THEME)]
    )


def suggest_buddies(
    signee: Signee, pledge: Pledge, implemented: list[Implemented] | None = None
) -> list[BuddySuggestion]:
    """The best organisations to buddy `signee` with for `pledge`, best first, explained.

    `implemented` may be passed in when suggesting for several pledges at once."""
    if signee.organisation is None or (here := _grid_point(signee.organisation)) is None:
        return []
    found = implemented_pledges() if implemented is None else implemented
    done = {i.signee.id: i for i in found if i.pledge_id == pledge.id and i.signee.id != signee.id}
    candidates = []
    by_key: dict[Hashable, tuple[Implemented, Organisation]] = {}
    for signee_id, item in done.items():
        organisation = item.signee.organisation
        if organisation is None or (point := _grid_point(organisation)) is None:
            continue
        candidates.append(
            Candidate(
                key=signee_id,
                easting=point.easting,
                northing=point.northing,
                measures={pledge.code: None},
                text=item.signee.size,
                category=item.signee.sector,
            )
        )
        by_key[signee_id] = item, organisation
    wanted = Wanted(
        easting=here.easting,
        northing=here.northing,
        measures=(WantedMeasure(pledge.code),),
        text=signee.size,
        category=signee.sector,
    )
    pool = CandidatePool(candidates, _catalogue(pledge))
    return [
        _suggestion(signee, *by_key[result.key], result.score, result.distance_m)
        for result in rank(wanted, pool, BUDDY_POLICY, top_n=TOP_SUGGESTIONS)
    ]


def _suggestion(
    signee: Signee, buddy: Implemented, organisation: Organisation, score: float, distance_m: float
) -> BuddySuggestion:
    """Reasons a person can check against the two organisations' records."""
    km = distance_m / 1000
    other = buddy.signee
    near = " (nearby)" if km <= BUDDY_POLICY.local_km else ""
    sector = Sector(other.sector).label
    size = Size(other.size).label
    return BuddySuggestion(
        organisation=organisation,
        score=score,
        distance_km=km,
        reasons=tuple(
            sentence(reason)
            for reason in (
                f"implemented it by the {buddy.kind.label.lower()} on {format_date(buddy.held_on)}",
                f"{km:.1f} km away{near}",
                ("same sector: " if other.sector == signee.sector else "other sector: ") + sector,
                ("same size: " if other.size == signee.size else "other size: ") + size,
            )
        ),
    )


@dataclass(frozen=True)
class PledgeSupport:
    """One of a signee's pledges: the support it last asked for, and buddies who could help."""

    signed_pledge: SignedPledge
    support_needed: str
    implemented: bool
    suggestions: list[BuddySuggestion]


def support_for(signee: Signee) -> list[PledgeSupport]:
    """Per approved pledge, the latest support asked for and ranked buddy suggestions."""
    found = implemented_pledges()
    done = {i.pledge_id for i in found if i.signee.id == signee.id}
    return [
        PledgeSupport(
            signed_pledge=signed,
            support_needed=_latest_support(signee, signed),
            implemented=signed.pledge_id in done,
            suggestions=suggest_buddies(signee, signed.version.pledge, found),
        )
        for signed in signee.approved_pledges
    ]


def _latest_support(signee: Signee, signed: SignedPledge) -> str:
    held = [
        (check_in.held_on, check_in.kind_enum.order, record.support_needed)
        for term in signee.terms
        for check_in in term.check_ins
        if check_in.held_on is not None
        for record in check_in.records
        if record.signed_pledge_id == signed.id
    ]
    return max(held)[2] if held else ""
