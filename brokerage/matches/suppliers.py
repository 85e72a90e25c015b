"""An opportunity's suppliers, ranked live: every supplier organisation with its trades,
profile, place and published offers pooled, read with one query per table (not per
supplier), scored by `matching.suppliers`. Nothing is stored here: stored supplier-level
rankings are a later step, and the offer ↔ opportunity rows and their workflow go on as
they are: this reads them to say who has already acted on one and to link to each."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from sqlalchemy import Row, column, select, table

from ..accounts.models import ORGANISATION_REF_PREFIX, Organisation, OrganisationKind
from ..extensions import db
from ..listings import cpv
from ..listings.models import Offer, Opportunity, OpportunityTrade, OrganisationTrade, Profile
from ..matching.model import WantedMeasure
from ..matching.strength import strength_word
from ..matching.supplier_model import (
    OpportunityQuery,
    PooledMeasure,
    SupplierCandidate,
    SupplierPolicy,
    SupplierResult,
)
from ..matching.suppliers import SupplierPool, rank_suppliers
from ..places.lookup import locate_postcode
from ..places.postcodes import InvalidPostcode
from ..toms.service import matching_catalogue
from .candidates import ListingRow, published_rows
from .models import Match
from .policy import policy_in_force
from .scene import TOP_N
from .states import State

# The charter's sign-ups, read as a table: charter is a sibling feature, not imported.
_SIGNEES = table("charter_signees", column("organisation_id"), column("status"))
APPROVED = "approved"


@dataclass(frozen=True)
class ShownOffer:
    id: int
    ref: str
    partner_ref: str | None
    title: str


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
    def interest(self) -> str | None:
        """The state of the first stored match it has acted on, if any."""
        return next((m.state_label for m in self.stored if m.acted_on), None)

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


def _point(postcode: str) -> tuple[float, float] | None:
    try:
        point = locate_postcode(postcode)
    except InvalidPostcode:
        return None
    return None if point is None else (float(point.easting), float(point.northing))


def _offers_by_supplier() -> dict[int, list[ListingRow]]:
    found: dict[int, list[ListingRow]] = {}
    for row in published_rows(Offer):
        found.setdefault(row.organisation_id, []).append(row)
    return found


def _pooled(offers: list[ListingRow]) -> dict[str, PooledMeasure]:
    sums: dict[str, float] = {}
    givers: dict[str, list[Hashable]] = {}
    for offer in offers:
        for measure in offer.measures:
            quantity = float(measure.quantity or 0)
            sums[measure.measure_code] = sums.get(measure.measure_code, 0.0) + quantity
            givers.setdefault(measure.measure_code, []).append(offer.id)
    return {code: PooledMeasure(sums[code], tuple(givers[code])) for code in sums}


_ORGANISATION_COLUMNS = (
    Organisation.id,
    Organisation.name,
    Organisation.postcode,
    Organisation.description,
    Organisation.external_ref,
)
_PROFILE_COLUMNS = (
    Profile.organisation_id,
    Profile.sector,
    Profile.size,
    Profile.is_vcse,
    Profile.pays_real_living_wage,
    Profile.service_radius_km,
)
_IS_SUPPLIER = Organisation.kind == OrganisationKind.SUPPLIER.value


@dataclass(frozen=True)
class SupplierWorld:
    """Every supplier as matching candidates, with what showing them needs."""

    pool: SupplierPool
    organisations: dict[int, Row]
    offers: dict[int, ListingRow]


def supplier_world(exclude_organisation_id: int | None = None) -> SupplierWorld:
    """Every supplier organisation, read with one query per table (organisations,
    profiles, trades, charter sign-ups, published offers and their measures)."""
    organisations = {
        row.id: row
        for row in db.session.execute(
            select(*_ORGANISATION_COLUMNS).where(_IS_SUPPLIER).order_by(Organisation.id)
        )
        if row.id != exclude_organisation_id
    }
    profiles = {
        row.organisation_id: row
        for row in db.session.execute(
            select(*_PROFILE_COLUMNS).join(Organisation).where(_IS_SUPPLIER)
        )
    }
    trades: dict[int, list[str]] = {}
    for organisation_id, code in db.session.execute(
        select(OrganisationTrade.organisation_id, OrganisationTrade.cpv_code)
        .where(OrganisationTrade.cpv_code.is_not(None))
        .order_by(OrganisationTrade.id)
    ):
        trades.setdefault(organisation_id, []).append(code)
    signees = set(
        db.session.scalars(select(_SIGNEES.c.organisation_id).where(_SIGNEES.c.status == APPROVED))
    )
    offers = _offers_by_supplier()
    candidates = [
        _candidate(o, profiles.get(o.id), trades.get(o.id, []), offers.get(o.id, []), signees)
        for o in organisations.values()
    ]
    codes = {code for codes in trades.values() for code in codes}
    names = {code: entry.description for code in codes if (entry := cpv.lookup(code))}
    pool = SupplierPool(candidates, matching_catalogue(), names)
    shown = {row.id: row for rows in offers.values() for row in rows}
    return SupplierWorld(pool, organisations, shown)


def _candidate(
    organisation: Row,
    profile: Row | None,
    trades: list[str],
    offers: list[ListingRow],
    signees: set[int],
) -> SupplierCandidate:
    point = _point(organisation.postcode)
    if point is None and offers:
        point = (float(offers[0].easting), float(offers[0].northing))
    radius_km = None if profile is None else profile.service_radius_km
    return SupplierCandidate(
        key=organisation.id,
        easting=point[0] if point else None,
        northing=point[1] if point else None,
        service_radius_m=None if radius_km is None else radius_km * 1000.0,
        trades=tuple(trades),
        category=profile.sector if profile else None,
        description=organisation.description or "",
        measures=_pooled(offers),
        offer_titles={offer.id: offer.title for offer in offers},
        size=profile.size if profile else None,
        vcse=bool(profile and profile.is_vcse),
        living_wage=bool(profile and profile.pays_real_living_wage),
        charter_signee=organisation.id in signees,
    )


def opportunity_query(opportunity: Opportunity) -> OpportunityQuery:
    """An opportunity as the supplier matcher reads it: its trades (and the words naming
    them, for suppliers without codes), place, category, words, asks and value."""
    trades = list(
        db.session.scalars(
            select(OpportunityTrade)
            .where(OpportunityTrade.opportunity_id == opportunity.id)
            .order_by(OpportunityTrade.id)
        )
    )
    codes = tuple(t.cpv_code for t in trades if t.cpv_code)
    named = [entry.description for code in codes if (entry := cpv.lookup(code))]
    return OpportunityQuery(
        easting=float(opportunity.easting),
        northing=float(opportunity.northing),
        trades=codes,
        category=opportunity.category,
        text=f"{opportunity.title}\n{opportunity.description}".strip(),
        trade_words=" ".join([*named, *(t.written for t in trades if not t.cpv_code)]),
        measures=tuple(
            WantedMeasure(row.measure_code, float(row.target), float(row.weight))
            for row in opportunity.measures
        ),
        value_pence=opportunity.estimated_value_pence,
    )


def advice_for(query: OpportunityQuery) -> tuple[str, ...]:
    """What the buyer could add to be matched better (shown beside the ranking)."""
    advice = []
    if not query.trades:
        advice.append(
            "Add the trades this contract is for (CPV codes): suppliers are matched by trade "
            "first, and without codes only by sector and words, at reduced credit."
        )
    if not query.measures:
        advice.append(
            "Add the social value measures you want: suppliers are then ranked by what their "
            "offers, taken together, deliver of them."
        )
    return tuple(advice)


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


def _shown_offers(world: SupplierWorld, ids: list[int]) -> dict[int, ShownOffer]:
    refs: dict[int, str | None] = {}
    if ids:
        query = select(Offer.id, Offer.external_ref).where(Offer.id.in_(ids))
        refs = {offer_id: ref for offer_id, ref in db.session.execute(query)}
    return {i: ShownOffer(i, world.offers[i].ref, refs.get(i), world.offers[i].title) for i in ids}


def supplier_matches_for(opportunity: Opportunity, top_n: int = TOP_N) -> SupplierMatches:
    """The opportunity's best suppliers ranked now, best first; a supplier of another trade
    is never among them."""
    in_force = policy_in_force()
    world = supplier_world(opportunity.organisation_id)
    query = opportunity_query(opportunity)
    results = rank_suppliers(query, world.pool, SupplierPolicy(), top_n)
    offers = _shown_offers(world, sorted({int(o) for r in results for o in r.offers}))
    stored = stored_matches(opportunity.id)
    shown = []
    for result in results:
        organisation = world.organisations[int(result.key)]  # type: ignore[call-overload]
        shown.append(
            ShownSupplier(
                organisation.id,
                f"{ORGANISATION_REF_PREFIX}-{organisation.id}",
                organisation.external_ref,
                organisation.name,
                result,
                tuple(offers[int(o)] for o in result.offers),  # type: ignore[call-overload]
                tuple(m for m in stored if m.organisation_id == organisation.id),
                in_force.version,
            )
        )
    ranked = {item.organisation_id for item in shown}
    under_way = tuple(m for m in stored if m.acted_on and m.organisation_id not in ranked)
    return SupplierMatches(shown, advice_for(query), under_way)
