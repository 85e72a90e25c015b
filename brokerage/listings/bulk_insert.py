"""Inserting many new listings at once: one statement per table for the listings, their
measures and their trades, where the listings service would flush once per listing. The
columns come from the same code as one listing's (`columns.listing_columns`), so a
listing inserted here is the listing `create_listing` would have made. Never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import insert

from ..accounts.models import Organisation
from ..changes import announce
from ..extensions import db, table_of
from ..places.service import Place
from . import trade_service
from .choices import ListingStatus
from .columns import MODEL_FOR_FIELDS, AnyListingFields, check_fields, listing_columns
from .models import Listing, OpportunityMeasure, OpportunityTrade
from .service import check_organisation_kind


@dataclass(frozen=True)
class NewListing:
    """A listing to insert: its columns, measures (with an opportunity's weights) and an
    opportunity's trades, as CPV codes and as words no code was read from."""

    columns: dict[str, Any]
    measures: Mapping[str, Decimal | None] = field(default_factory=dict)
    weights: Mapping[str, Decimal] = field(default_factory=dict)
    trades: tuple[str, ...] = ()
    trades_written: tuple[str, ...] = ()


def new_listing(organisation: Organisation, fields: AnyListingFields, place: Place) -> NewListing:
    """What `create_listing` would make, as rows for `insert_listings` (given
    the fields' place, found in memory); the same checks, the same errors."""
    model = MODEL_FOR_FIELDS[type(fields)]
    check_organisation_kind(organisation, model)
    check_fields(fields)
    columns = listing_columns(fields, place) | {
        "organisation_id": organisation.id,
        "status": ListingStatus.DRAFT.value,
    }
    return NewListing(
        columns,
        fields.measures,
        getattr(fields, "weights", {}),
        trade_service.check_codes(getattr(fields, "trades", None) or ()),
    )


def insert_listings(model: type[Listing], listings: Sequence[NewListing]) -> list[int]:
    """Insert these listings of one kind, with their measure and trade rows; returns their
    ids in the order given. Announces the listings topic: the rows are not listed."""
    if not listings:
        return []
    table = table_of(model)
    ids = list(
        db.session.scalars(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [listing.columns for listing in listings],
        )
    )
    _insert_measures(model, zip(ids, listings, strict=True))
    trade_rows = [
        {"opportunity_id": id_, "cpv_code": code, "written": written}
        for id_, listing in zip(ids, listings, strict=True)
        for code, written in (
            *((code, "") for code in listing.trades),
            *((None, words) for words in listing.trades_written),
        )
    ]
    if trade_rows:
        db.session.execute(insert(table_of(OpportunityTrade)), trade_rows)
    announce("listings")
    return ids


def _insert_measures(model: type[Listing], listings: Any) -> None:
    measures = model.__mapper__.relationships["measures"]
    row_model, parent = measures.mapper.class_, f"{measures.back_populates}_id"
    rows = []
    for id_, listing in listings:
        for code, quantity in listing.measures.items():
            values = {parent: id_, "measure_code": code}
            if row_model is OpportunityMeasure:
                values |= {"target": quantity, "weight": listing.weights.get(code, Decimal(1))}
            else:
                values["quantity"] = quantity
            rows.append(values)
    if rows:
        db.session.execute(insert(row_model.__table__), rows)
