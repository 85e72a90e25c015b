"""An opportunity's suppliers as its buyer sees them: stored for a published opportunity
(`supplier_store`), ranked live for a draft; with the offers that count, and the
offer ↔ opportunity matches (the workflow's unit) someone has already acted on.

Showing them never writes (a GET writes nothing): a published opportunity whose ranking is
not stored yet (its save's job has not run, or failed) is ranked live for the page, and a
job to store it is queued (`jobs.enqueue_after_reading`)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Executable,
    Row,
    bindparam,
    literal,
    select,
    union_all,
)

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation
from ..extensions import db
from ..jobs import enqueue_after_reading
from ..listings import service as listings_service
from ..listings.choices import ListingStatus
from ..listings.closing import open_and_published, still_open
from ..listings.models import Offer, Opportunity
from ..matching.strength import strength_word
from ..matching.supplier_model import SupplierResult
from ..matching.suppliers import rank_suppliers
from . import scene
from .models import ENDED_WITHOUT_HELP, Match, State
from .policy import policy_in_force, supplier_policy, version_in_force
from .supplier_inputs import advice_for, asks_given, opportunity_query, supplier_world
from .supplier_models import SupplierMatch, SupplierRanking
from .supplier_store import recompute_supplier_matches

# Each supplier's name and the ref its partner's import file gave it, by organisation id.
Names = dict[int, tuple[str, str | None]]


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


def shown_offers(ids: set[int]) -> dict[int, ShownOffer]:
    """The open published ones of these offers, as a supplier's card names them."""
    query = select(Offer.id, Offer.external_ref, Offer.title).where(
        Offer.id.in_(ids), open_and_published(Offer)
    )
    return {row.id: ShownOffer.read(*row) for row in db.session.execute(query)}


# What showing a stored supplier match reads of its row: columns, not mapped objects.
_RESULT_COLUMNS = (
    SupplierMatch.organisation_id,
    SupplierMatch.score,
    SupplierMatch.trade_score,
    SupplierMatch.social_value_score,
    SupplierMatch.place_score,
    SupplierMatch.supplier_score,
    SupplierMatch.size_factor,
    SupplierMatch.distance_m,
    SupplierMatch.reasons,
    SupplierMatch.offer_ids,
    SupplierMatch.policy_version,
)


@dataclass(frozen=True)
class _Ranking:
    """Suppliers ranked for an opportunity, best first, each with the version of the policy
    that ranked it; their names; and the version of the policy in force."""

    ranked: list[tuple[SupplierResult, int]]
    names: Names
    policy_version: int
    # What the buyer could add to the opportunity to be matched better.
    advice: tuple[str, ...]


# An opportunity as its matches page reads it (who owns it, whether it is published and
# still open, its title) with its stored ranking, best first, each supplier with its name;
# the version of the policy in force and what the advice reads of its asks: built once,
# read with the opportunity's id and today. An opportunity whose ranking is not stored is
# one row of the opportunity alone; one stored with no supplier in it, one row with its
# ranking; no such opportunity, no row.
_HAS_TRADE_CODES, _HAS_MEASURES = asks_given(Opportunity.id)
_OPPORTUNITY_WITH_RANKING = (
    select(
        Opportunity.id,
        Opportunity.organisation_id.label("owner_id"),
        Opportunity.title,
        Opportunity.status,
        still_open(Opportunity, bindparam("today")).label("is_open"),
        SupplierRanking.opportunity_id.label("ranked_id"),
        version_in_force().label("version_in_force"),
        _HAS_TRADE_CODES.label("has_trade_codes"),
        _HAS_MEASURES.label("has_measures"),
        *_RESULT_COLUMNS,
        Organisation.name,
        Organisation.external_ref,
    )
    .select_from(Opportunity)
    .outerjoin(SupplierRanking, SupplierRanking.opportunity_id == Opportunity.id)
    .outerjoin(
        SupplierMatch,
        (SupplierMatch.opportunity_id == SupplierRanking.opportunity_id)
        & SupplierMatch.opportunity_rank.is_not(None),
    )
    .outerjoin(Organisation, Organisation.id == SupplierMatch.organisation_id)
    .where(Opportunity.id == bindparam("opportunity_id"))
    .order_by(SupplierMatch.opportunity_rank)
)


def _rows(statement: Executable, parameters: dict[str, Any]) -> Sequence[Row]:
    """A statement's rows, read on the session's connection, in its transaction, but not
    through the ORM: plain rows need none of its work (a fifth of each statement's time)."""
    return db.session.connection().execute(statement, parameters).all()


@dataclass(frozen=True)
class OpportunityRead:
    """What an opportunity's matches page reads of the opportunity itself, and its stored
    ranking if it has one: read together in one query (`read_opportunity`)."""

    id: int
    organisation_id: int
    title: str
    is_published: bool
    # Not closed: its deadline has not passed.
    is_open: bool
    ranking: _Ranking | None

    @property
    def ref(self) -> str:
        return f"{Opportunity.REF_PREFIX}-{self.id}"


def read_opportunity(opportunity_id: int) -> OpportunityRead | None:
    """The opportunity as its matches page reads it, with its stored ranking (the names of
    its suppliers, the version of the policy in force and the advice), in one query; None
    if there is no such opportunity."""
    rows = _rows(
        _OPPORTUNITY_WITH_RANKING,
        {"opportunity_id": opportunity_id, "today": listings_service.today()},
    )
    if not rows:
        return None
    first = rows[0]
    return OpportunityRead(
        first.id,
        first.owner_id,
        first.title,
        first.status == ListingStatus.PUBLISHED,
        bool(first.is_open),
        None if first.ranked_id is None else _ranking_of(rows),
    )


def _ranking_of(rows: Sequence[Row]) -> _Ranking:
    """A stored ranking from its rows of `_OPPORTUNITY_WITH_RANKING`."""
    suppliers = [row for row in rows if row.organisation_id is not None]
    first = rows[0]
    return _Ranking(
        [(stored_result(row), row.policy_version) for row in suppliers],
        {row.organisation_id: (row.name, row.external_ref) for row in suppliers},
        first.version_in_force,
        advice_for(bool(first.has_trade_codes), bool(first.has_measures)),
    )


def _live_ranking(opportunity: Opportunity) -> _Ranking:
    """The opportunity's best suppliers ranked now (a draft's, or one not stored yet): as
    many as a stored ranking keeps (`scene.TOP_N`, read when called, as the store does)."""
    query = opportunity_query(opportunity)
    world = supplier_world(opportunity.organisation_id)
    in_force = policy_in_force()
    results = rank_suppliers(query, world.pool, supplier_policy(in_force.policy), scene.TOP_N)
    ranked = [(result, in_force.version) for result in results]
    names = _names_of(_ids(result.key for result in results))
    advice = advice_for(bool(query.trades), bool(query.measures))
    return _Ranking(ranked, names, in_force.version, advice)


def _names_of(keys: list[int]) -> Names:
    rows = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.external_ref).where(
            Organisation.id.in_(keys)
        )
    )
    return {row.id: (row.name, row.external_ref) for row in rows}


def stored_result(row: SupplierMatch | Row) -> SupplierResult:
    """A stored supplier match (its row, or its columns) as the matcher gave it."""
    return SupplierResult(
        key=row.organisation_id,
        score=row.score,
        trade=row.trade_score,
        social_value=row.social_value_score,
        place=row.place_score,
        supplier=row.supplier_score,
        scale=row.size_factor,
        distance_m=row.distance_m,
        reasons=tuple(row.reasons),
        offers=tuple(row.offer_ids),
    )


def _links_statement() -> CompoundSelect:
    """What a ranking's cards link to, built once: each offer of the ranked suppliers
    (`ranked`), with whether it is open and published and its stored match with the
    opportunity if it has one; and the opportunity's matches other suppliers' offers have
    acted on."""
    opportunity_id: BindParameter[int] = bindparam("opportunity_id")
    ranked: BindParameter[list[int]] = bindparam("ranked", expanding=True)
    columns = (
        Offer.id,
        Offer.external_ref,
        Offer.title,
        Offer.organisation_id,
        Organisation.name,
        Match.id.label("match_id"),
        Match.state,
    )
    ranked_offers = (
        select(*columns, open_and_published(Offer, bindparam("today")).label("is_open"))
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .outerjoin(Match, (Match.offer_id == Offer.id) & (Match.opportunity_id == opportunity_id))
        .where(Offer.organisation_id.in_(ranked))
    )
    acted_on_by_others = (
        select(*columns, literal(False).label("is_open"))
        .select_from(Match)
        .join(Offer, Offer.id == Match.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(
            Match.opportunity_id == opportunity_id,
            Match.state != State.SUGGESTED.value,
            Offer.organisation_id.not_in(ranked),
        )
    )
    return union_all(ranked_offers, acted_on_by_others)


_LINKS = _links_statement()


def _links(
    opportunity_id: int, ranked: list[int]
) -> tuple[dict[int, ShownOffer], list[StoredMatch]]:
    """The open published offers of the `ranked` suppliers, by id; and the opportunity's
    stored offer-level matches a ranking shows (the ranked suppliers', and those others have
    acted on), those acted on first: read in one query."""
    today = listings_service.today()
    rows = _rows(_LINKS, {"opportunity_id": opportunity_id, "ranked": ranked, "today": today})
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


def _shown(opportunity_id: int, ranking: _Ranking) -> SupplierMatches:
    """A ranking as its page shows it: each supplier with its offers that count and the
    offer-level matches, and the matches others outside it acted on."""
    keys = _ids(result.key for result, _ in ranking.ranked)
    offers, stored = _links(opportunity_id, keys)
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
