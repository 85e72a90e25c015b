"""Reading matches: stored ones for published listings and organisations' "for you"
pages; a live ranking for a draft, so its owner sees what it would match."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..accounts.models import Organisation
from ..caching import cached, read_ahead
from ..extensions import db
from ..listings import service as listings_service
from ..listings.closing import is_closed, open_and_published
from ..listings.kinds import KIND_OF_MODEL
from ..listings.models import Listing, Need, Offer, Opportunity
from ..matches.candidates import PAIRINGS, candidates_for
from ..matches.models import ENDED_WITHOUT_HELP_VALUES, Match
from ..matches.policy import policy_in_force
from ..matches.scene import TOP_N, explain_stored
from ..matches.suppliers import (
    OpportunityRead,
    SupplierMatches,
    read_opportunity,
    stored_supplier_matches,
    supplier_matches_for,
)
from ..matching import MatchResult, rank
from ..matching.strength import strength_word
from .lists import stages_of
from .states import Stage

T = TypeVar("T")


@dataclass(frozen=True)
class ShownMatch:
    """A match as one side sees it: the listing on the other side, and why it fits."""

    id: int | None
    listing: Listing
    score: float
    location: float
    toms: float
    fit: float
    distance_m: float
    reasons: tuple[str, ...]
    policy_version: int
    # For "for you" pages: the viewer's own listing this match is for.
    own: Listing | None = None
    stage: Stage | None = None  # a stored match's stage; None for one ranked live

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)

    @property
    def strength(self) -> str:
        """ "strong", "good" or "possible": the score in a word."""
        return strength_word(self.score)

    @property
    def kind(self) -> str:
        """The other listing's kind: offer, opportunity or need."""
        return KIND_OF_MODEL[type(self.listing)].name

    @property
    def own_kind(self) -> str | None:
        return KIND_OF_MODEL[type(self.own)].name if self.own is not None else None

    @classmethod
    def stored(
        cls,
        match: Match,
        other: Listing,
        own: Listing | None = None,
        stage: Stage | None = None,
    ) -> ShownMatch:
        return cls(
            match.id,
            other,
            match.score,
            match.location_score,
            match.toms_score,
            match.fit_score,
            match.distance_m,
            tuple(match.reasons),
            match.policy_version,
            own,
            stage,
        )

    @classmethod
    def live(cls, result: MatchResult, other: Listing, version: int) -> ShownMatch:
        return cls(
            None,
            other,
            result.score,
            result.location,
            result.toms,
            result.fit,
            result.distance_m,
            result.reasons,
            version,
        )


# Each listing a match joins: the relationship that reaches it, and its model.
Sides = tuple[tuple[Any, type[Listing]], ...]
SIDES: Sides = ((Match.offer, Offer), (Match.opportunity, Opportunity), (Match.need, Need))
RELATION_TO = {model: relationship for relationship, model in SIDES}


def _best_first(query: Select, sides: Sides = SIDES) -> Select:
    """Best first, with what showing each match reads of the listings on `sides` loaded in
    the same query (each listing and its organisation), not one query per match. A side
    left out is one listing the session holds already: reading it needs no query. Pairs
    stored without reasons load their listings' measures to explain them."""
    options = [
        joinedload(relationship).joinedload(model.organisation) for relationship, model in sides
    ]
    return query.order_by(Match.score.desc(), Match.id).options(*options)


def _explained(query: Select) -> list[Match]:
    """The matches best first, their reasons worked out together (for the page's rows only)."""
    matches = list(db.session.scalars(_best_first(query)))
    explain_stored(matches)
    return matches


def _published(listing: Listing | None) -> bool:
    """Published and not closed: a match with a closed listing is not shown."""
    return listing is not None and listing.is_published and not is_closed(listing)


def matches_for(listing: Listing) -> list[ShownMatch]:
    """A published listing's stored matches, best first; a draft's, ranked live; a closed
    listing has none."""
    if is_closed(listing):
        return []
    if not listing.is_published:
        return live_matches_for(listing)
    if isinstance(listing, Offer):
        query = select(Match).where(Match.offer_id == listing.id)
    else:
        column = Match.opportunity_id if isinstance(listing, Opportunity) else Match.need_id
        query = select(Match).where(column == listing.id)
    # An offer's matches are with needs or opportunities; a seeker's only with offers.
    others = SIDES[1:] if isinstance(listing, Offer) else SIDES[:1]
    rows = []
    for match in db.session.scalars(_best_first(query, others)):
        other = match.seeker if isinstance(listing, Offer) else match.offer
        if _published(other):
            rows.append((match, other))
    explain_stored([match for match, _ in rows])
    stages = stages_of([match for match, _ in rows])
    return [ShownMatch.stored(match, other, stage=stages[match.id]) for match, other in rows]


@dataclass(frozen=True)
class ListingMatches(Generic[T]):
    """What `show` made of a listing's matches, with what deciding who may see them reads
    of the listing (`permissions.Owned`): kept together, a cached page reads nothing from
    the database. `shown` is None for someone who may not see them."""

    organisation_id: int
    is_published: bool
    ref: str
    title: str
    shown: T | None = None


class _NotShown(Exception):
    """Raised out of the cache's work, so that nothing is kept for someone refused."""

    def __init__(self, found: ListingMatches[Any]) -> None:
        self.found = found


CLOSED_OPPORTUNITY = "Closed: its deadline has passed, so it is matched with no one."


def ranked_for(listing: Listing) -> list[ShownMatch] | SupplierMatches:
    """What a listing's matches page and API show: an opportunity's suppliers, ranked as
    organisations (`supplier_matches_for`); any other listing's matches (`matches_for`)."""
    if isinstance(listing, Opportunity):
        if is_closed(listing):
            return SupplierMatches([], (CLOSED_OPPORTUNITY,), policy_in_force().version)
        return supplier_matches_for(listing)
    return matches_for(listing)


def shown_matches(
    model: type[Listing],
    listing_id: int,
    shown_as: str,
    show: Callable[[Listing | OpportunityRead, Any], T],
    may_see: Callable[[ListingMatches[Any]], bool],
) -> ListingMatches[T] | None:
    """What `show` makes of a listing's matches (a page, a JSON list), kept until a commit
    changes one of `MATCHES_TOPICS` or the day changes (what closed leaves): the matches do
    not depend on who asks, only on whether they may, which the caller decides from the
    result on every request. None if there is no such listing.

    Nothing is worked out for someone `may_see` refuses (a draft is ranked live: a guessed
    id must not make the server rank it), and nothing is kept for them."""

    def work_out() -> ListingMatches[T] | None:
        if model is Opportunity:
            read = read_opportunity(listing_id)
            if read is None:
                return None
            found = _seen_by(may_see, read)
            stored = stored_supplier_matches(read)
            if stored is not None:
                return replace(found, shown=show(read, stored))
        # Read after the topic versions, as the cache requires, even if the session holds it.
        listing = db.session.get(model, listing_id, populate_existing=True)
        if listing is None:
            return None
        found = _seen_by(may_see, listing)
        return replace(found, shown=show(listing, ranked_for(listing)))

    name, parts = _matches_entry(model, listing_id, shown_as)
    try:
        return cached(name, parts, MATCHES_TOPICS, work_out)
    except _NotShown as refused:
        return refused.found


def _seen_by(
    may_see: Callable[[ListingMatches[Any]], bool], listing: Listing | OpportunityRead
) -> ListingMatches[Any]:
    """What deciding who may see a listing's matches reads of it; raises `_NotShown` for
    someone `may_see` refuses."""
    found: ListingMatches[Any] = ListingMatches(
        listing.organisation_id, listing.is_published, listing.ref, listing.title
    )
    if not may_see(found):
        raise _NotShown(found)
    return found


def read_shown_matches_ahead(model: type[Listing], listing_id: int, shown_as: str) -> None:
    """Have `shown_matches` find its entry read with the signed-in person (`reads_ahead`)."""
    name, parts = _matches_entry(model, listing_id, shown_as)
    read_ahead(name, parts, MATCHES_TOPICS)


# What a listing's matches page reads: the stored matches and the policy, both sides'
# listings and organisations, and the TOMs named in the reasons.
MATCHES_TOPICS = ("matches", "listings", "organisations", "toms")


def _matches_entry(model: type[Listing], listing_id: int, shown_as: str) -> tuple[str, tuple]:
    """Keyed by the day too: a listing closes at midnight with nothing written
    (`listings.closing`), and leaves the page the moment the day changes."""
    return f"matches.{shown_as}", (model.__name__, listing_id, listings_service.today())


def live_matches_for(listing: Listing, top_n: int = TOP_N) -> list[ShownMatch]:
    """The best published listings for `listing` ranked now (nothing is stored)."""
    in_force = policy_in_force()
    candidates = candidates_for(listing)
    wanted = PAIRINGS[type(listing)].wanted(listing)
    results = rank(wanted, candidates.pool, in_force.policy, top_n=top_n)
    return [
        ShownMatch.live(result, candidates.listings[str(result.key)], in_force.version)
        for result in results
    ]


def _matched_to_own(
    organisation: Organisation, own: type[Listing], other: type[Listing]
) -> list[ShownMatch]:
    """Published `other` listings matched to this organisation's published `own` ones, at
    any stage but one that ended without help (never offered again)."""
    query = (
        select(Match)
        .join(RELATION_TO[own])
        .join(RELATION_TO[other])
        .where(
            own.organisation_id == organisation.id,
            open_and_published(own),
            open_and_published(other),
            Match.state.not_in(ENDED_WITHOUT_HELP_VALUES),
        )
    )
    own_key, other_key = RELATION_TO[own].key, RELATION_TO[other].key
    matches = _explained(query)
    stages = stages_of(matches)
    return [
        ShownMatch.stored(m, getattr(m, other_key), getattr(m, own_key), stages[m.id])
        for m in matches
    ]


def needs_for(organisation: Organisation) -> list[ShownMatch]:
    """Published needs matched to this supplier's published offers, best first."""
    return _matched_to_own(organisation, Offer, Need)


def offers_for(organisation: Organisation) -> list[ShownMatch]:
    """Published offers matched to this beneficiary's published needs, best first."""
    return _matched_to_own(organisation, Need, Offer)
