"""Suppliers and opportunities as the supplier matcher's inputs, read with one query per
table (not per supplier or opportunity): every supplier organisation with its trades,
profile, place and published offers pooled; every published opportunity as a query."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Exists, Row, column, exists, select, table
from sqlalchemy.orm import QueryableAttribute

from ..accounts.models import Organisation, OrganisationKind
from ..extensions import db
from ..listings import cpv
from ..listings.choices import ListingStatus
from ..listings.models import (
    Offer,
    Opportunity,
    OpportunityMeasure,
    OpportunityTrade,
    OrganisationTrade,
    Profile,
)
from ..matching.model import Catalogue, WantedMeasure
from ..matching.supplier_batch import OpportunityArrays
from ..matching.supplier_model import OpportunityQuery, PooledMeasure, SupplierCandidate
from ..matching.suppliers import SupplierPool
from ..places.book import PlaceBook
from ..places.districts import is_in_area
from ..places.postcodes import InvalidPostcode, normalise_postcode
from ..places.service import Place, UnknownPostcode
from ..toms.service import matching_catalogue
from .candidates import ListingRow, published_rows

# The charter's sign-ups, read as a table: charter is a sibling feature, not imported.
_SIGNEES = table("charter_signees", column("organisation_id"), column("status"))
APPROVED = "approved"


def _place(postcode: str, book: PlaceBook) -> Place | None:
    """Where an organisation is based (its grid point and priority places), or None when
    its postcode is not one or has no position."""
    try:
        return book.resolve(postcode)
    except (InvalidPostcode, UnknownPostcode):
        return None


def _in_area(postcode: str) -> bool:
    try:
        return is_in_area(normalise_postcode(postcode))
    except InvalidPostcode:
        return False


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
    """Suppliers as matching candidates, with what showing them needs."""

    pool: SupplierPool
    organisations: dict[int, Row]
    offers: dict[int, ListingRow]


def _only(column: Any, ids: Collection[int] | None) -> Any:
    return True if ids is None else column.in_(ids)


def supplier_world(
    exclude_organisation_id: int | None = None, only: Collection[int] | None = None
) -> SupplierWorld:
    """Every supplier organisation (or those in `only`), read with one query per table
    (organisations, profiles, trades, charter sign-ups, published offers, their measures)."""
    organisations = {
        row.id: row
        for row in db.session.execute(
            select(*_ORGANISATION_COLUMNS)
            .where(_IS_SUPPLIER, _only(Organisation.id, only))
            .order_by(Organisation.id)
        )
        if row.id != exclude_organisation_id
    }
    profiles = {
        row.organisation_id: row
        for row in db.session.execute(
            select(*_PROFILE_COLUMNS)
            .join(Organisation)
            .where(_IS_SUPPLIER, _only(Profile.organisation_id, only))
        )
    }
    trades: dict[int, list[str]] = {}
    for organisation_id, code in db.session.execute(
        select(OrganisationTrade.organisation_id, OrganisationTrade.cpv_code)
        .where(
            OrganisationTrade.cpv_code.is_not(None),
            _only(OrganisationTrade.organisation_id, only),
        )
        .order_by(OrganisationTrade.id)
    ):
        if code is not None:  # always: the query leaves out trades without a code
            trades.setdefault(organisation_id, []).append(code)
    signees = set(
        db.session.scalars(
            select(_SIGNEES.c.organisation_id).where(
                _SIGNEES.c.status == APPROVED, _only(_SIGNEES.c.organisation_id, only)
            )
        )
    )
    offers: dict[int, list[ListingRow]] = {}
    for row in published_rows(Offer, only):
        offers.setdefault(row.organisation_id, []).append(row)
    book = PlaceBook()
    book.expect(o.postcode for o in organisations.values())
    candidates = [
        _candidate(o, profiles.get(o.id), trades.get(o.id, []), offers.get(o.id, []), signees, book)
        for o in organisations.values()
    ]
    pool = SupplierPool(candidates, matching_catalogue(), trade_names(trades.values()))
    shown = {row.id: row for rows in offers.values() for row in rows}
    return SupplierWorld(pool, organisations, shown)


def trade_names(code_lists: Iterable[Iterable[str]]) -> dict[str, str]:
    """The CPV description of each code, for reasons."""
    codes = {code for codes in code_lists for code in codes}
    return {code: entry.description for code in codes if (entry := cpv.lookup(code))}


def _candidate(
    organisation: Row,
    profile: Row | None,
    trades: list[str],
    offers: list[ListingRow],
    signees: set[int],
    book: PlaceBook,
) -> SupplierCandidate:
    place = _place(organisation.postcode, book)
    point = None if place is None else (float(place.easting), float(place.northing))
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
        priority_place=None if place is None else place.priority_place,
        in_area=_in_area(organisation.postcode),
    )


def _query(
    listing: Any,
    trades: list[tuple[str | None, str]],
    measures: Iterable[Any],
    value_pence: int | None,
) -> OpportunityQuery:
    """An opportunity as the supplier matcher reads it: its trades (and the words naming
    them, for suppliers without codes), place, category, words, asks and value."""
    codes = tuple(code for code, _ in trades if code)
    named = [entry.description for code in codes if (entry := cpv.lookup(code))]
    return OpportunityQuery(
        easting=float(listing.easting),
        northing=float(listing.northing),
        trades=codes,
        category=listing.category,
        text=f"{listing.title}\n{listing.description}".strip(),
        trade_words=" ".join([*named, *(written for code, written in trades if not code)]),
        measures=tuple(
            WantedMeasure(row.measure_code, float(row.target), float(row.weight))
            for row in measures
        ),
        value_pence=value_pence,
    )


def _trades_of(opportunity_ids: Collection[int] | None) -> dict[int, list[tuple[str | None, str]]]:
    found: dict[int, list[tuple[str | None, str]]] = {}
    query = select(
        OpportunityTrade.opportunity_id, OpportunityTrade.cpv_code, OpportunityTrade.written
    )
    for opportunity_id, code, written in db.session.execute(
        query.where(_only(OpportunityTrade.opportunity_id, opportunity_ids)).order_by(
            OpportunityTrade.id
        )
    ):
        found.setdefault(opportunity_id, []).append((code, written))
    return found


def opportunity_query(opportunity: Opportunity) -> OpportunityQuery:
    """One opportunity, published or not, as the supplier matcher reads it."""
    trades = [(trade.cpv_code, trade.written) for trade in opportunity.trades]
    return _query(opportunity, trades, opportunity.measures, opportunity.estimated_value_pence)


@dataclass(frozen=True)
class OpportunityQueries:
    """Every published opportunity as a query, in id order, with its organisation."""

    ids: list[int]
    organisations: list[int]
    queries: list[OpportunityQuery]
    # The queries as arrays, once built (a kept world's queries serve many recomputes).
    _built: list[OpportunityArrays] = field(default_factory=list, compare=False, repr=False)
    # The arrays of the set these were patched from (`patched`), to build them from.
    _earlier: list[OpportunityArrays] = field(default_factory=list, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def arrays(self, catalogue: Catalogue) -> OpportunityArrays:
        """The queries as the batch scorer's arrays, built once for the catalogue (from the
        arrays of the set these were patched from, if that had them: see `patched`)."""
        if not self._built or self._built[0].catalogue is not catalogue:
            earlier = self._earlier[0] if self._earlier else None
            self._built[:] = [OpportunityArrays(self.queries, catalogue, earlier)]
            self._earlier.clear()  # let go of the earlier set's arrays
        return self._built[0]

    def patched(self, opportunities: dict[int, tuple[int, OpportunityQuery]]) -> OpportunityQueries:
        """These `opportunities` (by id: organisation and query) as queries in id order, whose
        arrays, when built, take what they can from these queries' arrays (or from those
        these were patched from, if these were never built)."""
        ids = sorted(opportunities)
        return OpportunityQueries(
            ids,
            [opportunities[i][0] for i in ids],
            [opportunities[i][1] for i in ids],
            _earlier=(self._built or self._earlier)[:1],
        )


def published_opportunity_queries(ids: Collection[int] | None = None) -> OpportunityQueries:
    """Every published opportunity (with `ids` only, if given), read with one query per
    table."""
    rows = published_rows(Opportunity, ids=ids)
    trades = _trades_of(ids)
    values = dict(
        db.session.execute(
            select(Opportunity.id, Opportunity.estimated_value_pence).where(
                Opportunity.status == ListingStatus.PUBLISHED.value, _only(Opportunity.id, ids)
            )
        ).all()
    )
    return OpportunityQueries(
        [row.id for row in rows],
        [row.organisation_id for row in rows],
        [_query(row, trades.get(row.id, []), row.measures, values.get(row.id)) for row in rows],
    )


def advice_for(has_trade_codes: bool, has_measures: bool) -> tuple[str, ...]:
    """What the buyer could add to be matched better (shown beside the ranking), for an
    opportunity with or without trades as CPV codes and social value measures."""
    advice = []
    if not has_trade_codes:
        advice.append(
            "Add the trades this contract is for (CPV codes): suppliers are matched by trade "
            "first, and without codes only by sector and words, at reduced credit."
        )
    if not has_measures:
        advice.append(
            "Add the social value measures you want: suppliers are then ranked by what their "
            "offers, taken together, deliver of them."
        )
    return tuple(advice)


def asks_given(
    opportunity_id: ColumnElement[int] | QueryableAttribute[int],
) -> tuple[Exists, Exists]:
    """SQL: whether the opportunity has trades as CPV codes, and social value measures (what
    `advice_for` reads), to read with other columns instead of loading its asks."""
    return (
        exists().where(
            OpportunityTrade.opportunity_id == opportunity_id,
            OpportunityTrade.cpv_code.is_not(None),
        ),
        exists().where(OpportunityMeasure.opportunity_id == opportunity_id),
    )
