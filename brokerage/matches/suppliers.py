"""An opportunity's suppliers as its buyer sees them: stored for a published opportunity
(`supplier_store`), ranked live for a draft; with the offers that count, and the
offer ↔ opportunity matches (the workflow's unit) someone has already acted on.

Showing them never writes (a GET writes nothing): a published opportunity whose ranking is
not stored yet (its save's job has not run, or failed) is ranked live for the page, and a
job to store it is queued (`jobs.enqueue_after_reading`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Row, select

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation
from ..extensions import db
from ..jobs import enqueue_after_reading
from ..listings.closing import open_and_published
from ..listings.models import Offer, Opportunity
from ..matching.strength import strength_word
from ..matching.supplier_model import OpportunityQuery, SupplierResult
from ..matching.suppliers import rank_suppliers
from . import scene
from .models import ENDED_WITHOUT_HELP, Match, State
from .policy import policy_in_force, supplier_policy
from .supplier_inputs import advice_for, opportunity_query, supplier_world
from .supplier_models import SupplierMatch
from .supplier_store import has_stored_ranking, recompute_supplier_matches

# Each supplier's name and the ref its partner's import file gave it, by organisation id.
Names = dict[int, tuple[str, str | None]]


@dataclass(frozen=True)
class ShownOffer:
    id: int
    ref: str
    partner_ref: str | None
    title: str


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
    # Stored matches someone has acted on, of suppliers not in the ranking.
    under_way: tuple[StoredMatch, ...] = ()


def stored_matches(opportunity_id: int) -> list[StoredMatch]:
    """The opportunity's stored offer-level matches, those acted on first."""
    rows = db.session.execute(
        select(Match.id, Offer.organisation_id, Organisation.name, Offer.title, Match.state)
        .join(Offer, Offer.id == Match.offer_id)
        .join(Organisation, Organisation.id == Offer.organisation_id)
        .where(Match.opportunity_id == opportunity_id)
        .order_by(Match.id)
    )
    found = [StoredMatch(*row) for row in rows]
    return sorted(found, key=lambda m: not m.acted_on)


def shown_offers(ids: set[int]) -> dict[int, ShownOffer]:
    """The open published ones of these offers, as a supplier's card names them."""
    query = select(Offer.id, Offer.external_ref, Offer.title).where(
        Offer.id.in_(ids), open_and_published(Offer)
    )
    return {
        offer_id: ShownOffer(offer_id, f"{Offer.REF_PREFIX}-{offer_id}", ref, title)
        for offer_id, ref, title in db.session.execute(query)
    }


def _live_results(opportunity: Opportunity, query: OpportunityQuery) -> list[SupplierResult]:
    """The opportunity's best suppliers ranked now (a draft's, or one not stored yet): as
    many as a stored ranking keeps (`scene.TOP_N`, read when called, as the store does)."""
    world = supplier_world(opportunity.organisation_id)
    policy = supplier_policy(policy_in_force().policy)
    return rank_suppliers(query, world.pool, policy, scene.TOP_N)


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


def _stored_results(opportunity_id: int) -> tuple[list[tuple[SupplierResult, int]], Names]:
    """A published opportunity's stored suppliers, best first, each with its version, and
    their names, read in one query."""
    rows = db.session.execute(
        select(*_RESULT_COLUMNS, Organisation.name, Organisation.external_ref)
        .join(Organisation, Organisation.id == SupplierMatch.organisation_id)
        .where(
            SupplierMatch.opportunity_id == opportunity_id,
            SupplierMatch.opportunity_rank.is_not(None),
        )
        .order_by(SupplierMatch.opportunity_rank)
    ).all()
    names = {row.organisation_id: (row.name, row.external_ref) for row in rows}
    return [(stored_result(row), row.policy_version) for row in rows], names


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


def supplier_matches_for(opportunity: Opportunity) -> SupplierMatches:
    """The opportunity's best suppliers, best first: stored for a published one, ranked
    live for a draft and for a published one not stored yet (whose storing is queued). A
    supplier of another trade is never among them."""
    query = opportunity_query(opportunity)
    if opportunity.is_published and has_stored_ranking(opportunity.id):
        ranked, names = _stored_results(opportunity.id)
    else:
        if opportunity.is_published:
            enqueue_after_reading(recompute_supplier_matches, opportunity_ids=[opportunity.id])
        version = policy_in_force().version
        ranked = [(result, version) for result in _live_results(opportunity, query)]
        names = _names_of([int(result.key) for result, _ in ranked])  # type: ignore[call-overload]
    keys = [int(result.key) for result, _ in ranked]  # type: ignore[call-overload]
    offers = shown_offers({int(o) for r, _ in ranked for o in r.offers})  # type: ignore[call-overload]
    stored = stored_matches(opportunity.id)
    shown = [
        ShownSupplier(
            key,
            f"{ORGANISATION_REF_PREFIX}-{key}",
            names[key][1],
            names[key][0],
            result,
            tuple(offers[int(o)] for o in result.offers if int(o) in offers),  # type: ignore[call-overload]
            tuple(m for m in stored if m.organisation_id == key),
            version,
        )
        for key, (result, version) in zip(keys, ranked, strict=True)
        if key in names
    ]
    under_way = tuple(m for m in stored if m.acted_on and m.organisation_id not in set(keys))
    return SupplierMatches(shown, advice_for(query), under_way)
