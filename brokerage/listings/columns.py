"""A listing's fields as the forms, the API and imports give them, checked, and the columns
they become: the one account of them, for saving one listing (`service`) and for inserting
many (`bulk_insert`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from ..places.service import Place
from ..toms.service import measures_by_code
from . import trade_service
from .errors import InvalidListing
from .models import (
    AnyMeasureRow,
    Listing,
    Need,
    NeedMeasure,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
)


@dataclass(frozen=True)
class ListingFields:
    title: str
    description: str
    category: str
    postcode: str


@dataclass(frozen=True)
class OfferFields(ListingFields):
    available_from: date | None
    available_to: date | None
    measures: Mapping[str, Decimal]


@dataclass(frozen=True)
class OpportunityFields(ListingFields):
    estimated_value_pence: int | None
    deadline: date
    measures: Mapping[str, Decimal]
    weights: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    # CPV codes of what it buys; None leaves them as they are (an import without the column).
    trades: tuple[str, ...] | None = None
    # The tender notice's address; None leaves it as it is.
    notice_url: str | None = None


@dataclass(frozen=True)
class NeedFields(ListingFields):
    deadline: date | None
    quantity_wanted: Decimal | None
    quantity_unit: str
    measures: Mapping[str, Decimal | None]


# The fields of any kind of listing: each kind states its measures.
AnyListingFields = OfferFields | OpportunityFields | NeedFields

MODEL_FOR_FIELDS: dict[type[ListingFields], type[Listing]] = {
    OfferFields: Offer,
    OpportunityFields: Opportunity,
    NeedFields: Need,
}
MEASURE_ROW: dict[type[Listing], type[AnyMeasureRow]] = {
    Offer: OfferMeasure,
    Opportunity: OpportunityMeasure,
    Need: NeedMeasure,
}
_NOT_COLUMNS = {"measures", "weights", "postcode", "trades", "notice_url"}
_AMOUNTS = ("quantity_wanted", "estimated_value_pence")


def listing_columns(fields: AnyListingFields, place: Place) -> dict[str, Any]:
    """The columns a listing takes from its fields, placed: the one account of them, for
    saving one listing (`service._apply`) and for inserting many (`bulk_insert.new_listing`)."""
    columns = {
        field.name: getattr(fields, field.name)
        for field in dataclasses.fields(fields)
        if field.name not in _NOT_COLUMNS
    }
    columns["title"] = " ".join(fields.title.split())
    notice_url = getattr(fields, "notice_url", None)
    if notice_url is not None:
        columns["notice_url"] = notice_url.strip()
    return columns | place_columns(place)


def place_columns(place: Place) -> dict[str, Any]:
    """Where a listing's postcode is, as its columns."""
    return {
        "postcode": place.postcode,
        "easting": place.easting,
        "northing": place.northing,
        "district": place.district,
        "priority_place": place.priority_place,
    }


def check_fields(fields: AnyListingFields, known_codes: Collection[str] | None = None) -> None:
    """The rules the forms check, kept here too for the API and imports (which pass the
    catalogue's codes in, rather than look them up row by row)."""
    if known_codes is None:  # nothing to look up for a listing without measures (an import)
        known_codes = measures_by_code(fields.measures) if fields.measures else {}
    known = known_codes
    unknown = set(fields.measures) - set(known)
    if unknown:
        raise InvalidListing(f"Not measures in the catalogue: {', '.join(sorted(unknown))}.")
    amounts = [*fields.measures.values(), *(getattr(fields, n, None) for n in _AMOUNTS)]
    if any(amount is not None and amount <= 0 for amount in amounts):
        raise InvalidListing("Every quantity and value must be more than 0.")
    weights = getattr(fields, "weights", {})
    if set(weights) - set(fields.measures) or any(w <= 0 for w in weights.values()):
        raise InvalidListing("Weights must be more than 0, for measures that are wanted.")
    trade_service.check_codes(getattr(fields, "trades", None) or ())
    start, end = getattr(fields, "available_from", None), getattr(fields, "available_to", None)
    if start and end and end < start:
        raise InvalidListing("The end of availability cannot come before its start.")
