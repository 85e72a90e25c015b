"""An opportunity's suppliers as its buyer sees them: stored for a published opportunity
(`supplier_store`), ranked live for a draft; with the offers that count, and the
offer ↔ opportunity matches (the workflow's unit) someone has already acted on.

Showing them never writes (a GET writes nothing): a published opportunity whose ranking is
not stored yet (its save's job has not run, or failed) is ranked live for the page, and a
job to store it is queued (`jobs.enqueue_after_reading`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import bindparam, select

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation
from ..extensions import db, read_rows
from ..jobs import enqueue_after_reading
from ..listings import service as listings_service
from ..listings.closing import open_and_published
from ..listings.models import Offer, Opportunity
from ..matching.strength import strength_word
from ..matching.supplier_model import SupplierResult
from ..matching.suppliers import rank_suppliers
from . import scene
from .models import ENDED_WITHOUT_HELP, State
from .policy import policy_in_force, supplier_policy
from .stored_ranking import Names, OpportunityRead, Ranking, links_statement, read_opportunity
from .supplier_inputs import advice_for, opportunity_query, supplier_world
from .supplier_store import recompute_supplier_matches


@dataclass(frozen=True)
class ShownOffer:
    id: int
    ref: str
    partner_ref: str | None
    title: str

    @classmethod
    def read(cls, offer_id: int, external_ref: str | None, title: str) -> ShownOffer:
        """An offer as read from its columns: its id, its partner's ref and its title."""
        return cls(offer_id, f"{Offer.REF_PREFIX}-{offer_id}", external_ref, title)


# Progress in words where "under way" would be wrong: nobody has acted yet, or the work is done.
_PROGRESS = {
    State.SUGGESTED: "Suggested",
    State.DELIVERED: "Delivered, waiting to be verified",
    State.VERIFIED: "Delivered and verified",
}


@dataclass(frozen=True)
class StoredMatch:
    """A stored offer ↔ opportunity match (the workflow's unit), to link to from a supplier."""

    id: int
    organisation_id: int
    organisation_name: str
    offer_title: str
    state: str

    @property
    def acted_on(self) -> bool:
        return self.state != State.SUGGESTED.value

    @property
    def state_label(self) -> str:
        return State(self.state).label

    @property
    def progress(self) -> str:
        """Where the match stands, in words: only one someone acted on and that has not
        ended or been delivered is "under way"."""
        state = State(self.state)
        if state in ENDED_WITHOUT_HELP:
            return f"Ended: {state.label.lower()}"
        return _PROGRESS.get(state, f"Under way: {state.label}")


@dataclass(frozen=True)
class ShownSupplier:
    """A supplier as an opportunity's buyer sees it: who, how well and why, the offers
    that count, and the state of any match it has already acted on for this opportunity."""

    organisation_id: int
    ref: str
    partner_ref: str | None
    name: str
    result: SupplierResult
    offers: tuple[ShownOffer, ...]
    stored: tuple[StoredMatch, ...]
    policy_version: int
    kind: str = "supplier"

    @property
    def first_acted_on(self) -> StoredMatch | None:
        """The first stored match it has acted on, if any: the one its card's badge names."""
        return next((m for m in self.stored if m.acted_on), None)

    @property
    def interest(self) -> str | None:
        """The state of the first stored match it has acted on, if any, in lower-case words
        ("interest expressed"): API v1 has always given it so, and v1 never breaks."""
        acted = self.first_acted_on
        return None if acted is None else acted.state_label.lower()

    @property
    def strength(self) -> str:
        return strength_word(self.result.score)

    @property
    def distance_km(self) -> float | None:
        distance = self.result.distance_m
        return None if distance is None else round(distance / 1000, 1)


@dataclass(frozen=True)
class SupplierMatches:
    """An opportunity's ranked suppliers, and what to add to be matched better."""

    suppliers: list[ShownSupplier]
    advice: tuple[str, ...]
    # The version of the matching policy in force when they were read.
    policy_version: int
    # Stored matches someone has acted on, of suppliers not in the ranking.
    under_way: tuple[StoredMatch, ...] = ()


# A ranking's cards' offers by id, and its stored offer-level matches (`_links`).
_Links = tuple[dict[int, ShownOffer], list[StoredMatch]]


def shown_offers(ids: set[int]) -> dict[int, ShownOffer]:
    """The open published ones of these offers, as a supplier's card names them."""
    query = select(Offer.id, Offer.external_ref, Offer.title).where(
        Offer.id.in_(ids), open_and_published(Offer)
    )
    return {row.id: ShownOffer.read(*row) for row in db.session.execute(query)}


def _live_ranking(opportunity: Opportunity) -> Ranking:
    """The opportunity's best suppliers ranked now (a draft's, or one not stored yet): as
    many as a stored ranking keeps (`scene.TOP_N`, read when called, as the store does)."""
    query = opportunity_query(opportunity)
    world = supplier_world(opportunity.organisation_id)
    in_force = policy_in_force()
    results = rank_suppliers(query, world.pool, supplier_policy(in_force.policy), scene.TOP_N)
    ranked = [(result, in_force.version) for result in results]
    names = _names_of(_ids(result.key for result in results))
    advice = advice_for(bool(query.trades), bool(query.measures))
    return Ranking(ranked, names, in_force.version, advice)


def _names_of(keys: list[int]) -> Names:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.external_ref).where(
            Organisation.id.in_(keys)
        )
    )
    return {row.id: (row.name, row.external_ref) for row in rows}


_LINKS = links_statement(bindparam("ranked", expanding=True))


def _links(ranking: Ranking, opportunity_id: int, ranked: list[int]) -> _Links:
    """The open published offers of the `ranked` suppliers, by id; and the opportunity's
    stored offer-level matches a ranking shows (the ranked suppliers', and those others have
    acted on), those acted on first: read with a stored ranking, else in one query."""
    rows = ranking.links
    if rows is None:
        today = listings_service.today()
        parameters = {"opportunity_id": opportunity_id, "ranked": ranked, "today": today}
        rows = read_rows(_LINKS, parameters)
    offers = {
        row.id: ShownOffer.read(row.id, row.external_ref, row.title) for row in rows if row.is_open
    }
    matches = [
        StoredMatch(row.match_id, row.organisation_id, row.name, row.title, row.state)
        for row in rows
        if row.match_id is not None
    ]
    return offers, sorted(matches, key=lambda m: (not m.acted_on, m.id))


def _ids(keys: Iterable[Hashable]) -> list[int]:
    """The supplier matcher's keys of organisations or offers, as the ids they are."""
    return [int(cast(int, key)) for key in keys]


def supplier_matches_for(opportunity: Opportunity) -> SupplierMatches:
    """The opportunity's best suppliers, best first: stored for a published one, ranked
    live for a draft and for a published one not stored yet (whose storing is queued). A
    supplier of another trade is never among them."""
    read = read_opportunity(opportunity.id) if opportunity.is_published else None
    ranking = None if read is None else read.ranking
    if ranking is None:
        if opportunity.is_published:
            enqueue_after_reading(recompute_supplier_matches, opportunity_ids=[opportunity.id])
        ranking = _live_ranking(opportunity)
    return _shown(opportunity.id, ranking)


def stored_supplier_matches(read: OpportunityRead) -> SupplierMatches | None:
    """The suppliers of an opportunity read with its stored ranking (`read_opportunity`),
    best first; None unless it is published and open and its ranking is stored."""
    if read.ranking is None or not (read.is_published and read.is_open):
        return None
    return _shown(read.id, read.ranking)


def _shown(opportunity_id: int, ranking: Ranking) -> SupplierMatches:
    """A ranking as its page shows it: each supplier with its offers that count and the
    offer-level matches, and the matches others outside it acted on."""
    keys = _ids(result.key for result, _ in ranking.ranked)
    offers, stored = _links(ranking, opportunity_id, keys)
    by_supplier: dict[int, list[StoredMatch]] = {}
    for match in stored:
        by_supplier.setdefault(match.organisation_id, []).append(match)
    shown = [
        ShownSupplier(
            key,
            f"{ORGANISATION_REF_PREFIX}-{key}",
            ranking.names[key][1],
            ranking.names[key][0],
            result,
            tuple(offers[o] for o in _ids(result.offers) if o in offers),
            tuple(by_supplier.get(key, ())),
            version,
        )
        for key, (result, version) in zip(keys, ranking.ranked, strict=True)
        if key in ranking.names
    ]
    ranked = set(keys)
    under_way = tuple(m for m in stored if m.acted_on and m.organisation_id not in ranked)
    return SupplierMatches(shown, ranking.advice, ranking.policy_version, under_way)
