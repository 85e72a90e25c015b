"""Listings: save, locate, publish, archive, and read them. Services flush, never commit.

A listing is created as a draft by a member of an organisation of the right kind (an
offer by a supplier, an opportunity by a buyer, a need by a beneficiary). Saving works
out where its postcode is; publishing makes it visible to everyone signed in. The fields
a listing is saved from, and the columns they become, are in `columns`; organisations'
profiles in `profiles`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol, TypeVar, overload

from sqlalchemy import select

from .. import audit
from ..accounts.models import Organisation
from ..changes import announce
from ..extensions import db
from ..formatting import format_date
from ..places.postcodes import InvalidPostcode
from ..places.service import Place, resolve
from ..toms.service import measures_by_code
from ..types import utcnow
from . import trade_service
from .choices import ListingStatus
from .columns import (
    MEASURE_ROW,
    MODEL_FOR_FIELDS,
    AnyListingFields,
    ListingFields,
    NeedFields,
    OfferFields,
    OpportunityFields,
    check_fields,
    listing_columns,
    place_columns,
)
from .errors import InvalidListing, InvalidTransition, NotAllowed
from .models import LISTING_MODELS, Listing, Need, Offer, Opportunity, OpportunityMeasure
from .permissions import can_edit_listing, can_unpublish_listing


def today() -> date:
    """The date deadlines are judged against."""
    return utcnow().date()


# Saving listings --------------------------------------------------------------------


@overload
def create_listing(
    organisation: Organisation, fields: OfferFields, place: Place | None = None
) -> Offer: ...
@overload
def create_listing(
    organisation: Organisation, fields: OpportunityFields, place: Place | None = None
) -> Opportunity: ...
@overload
def create_listing(
    organisation: Organisation, fields: NeedFields, place: Place | None = None
) -> Need: ...
@overload
def create_listing(
    organisation: Organisation, fields: AnyListingFields, place: Place | None = None
) -> Listing: ...
def create_listing(
    organisation: Organisation, fields: AnyListingFields, place: Place | None = None
) -> Listing:
    """A new draft listing of the kind `fields` describes, for `organisation`. `place`:
    where its postcode is, if the caller placed it already (an import, from a PlaceBook)."""
    model = MODEL_FOR_FIELDS[type(fields)]
    check_organisation_kind(organisation, model)
    listing = model(organisation=organisation, status=ListingStatus.DRAFT.value)
    _apply(listing, fields, place)
    db.session.add(listing)
    db.session.flush()
    return listing


def check_organisation_kind(organisation: Organisation, model: type[Listing]) -> None:
    """NotAllowed unless the organisation is of the kind that lists `model`."""
    if organisation.kind != model.ORGANISATION_KIND:
        raise NotAllowed(
            f"{organisation.name} is not a {model.ORGANISATION_KIND.value}, "
            f"so it cannot list {model.__tablename__}."
        )


def update_listing(
    listing: Listing, fields: AnyListingFields, place: Place | None = None
) -> Listing:
    """Save the listing's fields (`place`: as for `create_listing`)."""
    if MODEL_FOR_FIELDS[type(fields)] is not type(listing):
        raise TypeError(f"{type(fields).__name__} cannot update {listing!r}")
    _apply(listing, fields, place)
    listing.updated_at = utcnow()
    db.session.flush()
    return listing


def _apply(listing: Listing, fields: AnyListingFields, place: Place | None) -> None:
    check_fields(fields)
    for name, value in listing_columns(fields, place or _resolve(fields.postcode)).items():
        setattr(listing, name, value)
    set_measures(listing, fields.measures, getattr(fields, "weights", {}))
    trades = getattr(fields, "trades", None)
    if isinstance(listing, Opportunity) and trades is not None:
        trade_service.set_opportunity_trades(listing, trades)


def set_measures(
    listing: Listing, quantities: Mapping[str, Decimal | None], weights: Mapping[str, Decimal]
) -> None:
    """Give the listing these measures (and an opportunity's weights), in this order."""
    # Rows for codes kept are updated in place: the unit of work inserts before it
    # deletes, so a new row for the same code would clash with the unique constraint.
    row_model = MEASURE_ROW[type(listing)]
    kept = {row.measure_code: row for row in listing.measures}
    rows = []
    for code, quantity in quantities.items():
        row = kept.get(code) or row_model(measure_code=code)
        row.quantity = quantity
        if isinstance(row, OpportunityMeasure):
            row.weight = weights.get(code, Decimal(1))
        rows.append(row)
    listing.measures = rows


def locate(listing: Listing, postcode: str) -> None:
    """Store the postcode with its grid point, district and priority place (if any)."""
    for name, value in place_columns(_resolve(postcode)).items():
        setattr(listing, name, value)


def _resolve(postcode: str) -> Place:
    try:
        return resolve(postcode)
    except InvalidPostcode as error:
        raise InvalidListing(str(error)) from error


def _place_of(listing: Listing) -> tuple[Any, ...]:
    return (listing.easting, listing.northing, listing.district, listing.priority_place)


def refresh_locations() -> int:
    """Work out every listing's grid point, district and priority place again (after staff
    change the priority places, or Code-Point Open moves a postcode); returns how many
    listings changed."""
    changed = 0
    for model in LISTING_MODELS:
        for listing in db.session.scalars(select(model)):
            before = _place_of(listing)
            locate(listing, listing.postcode)
            changed += before != _place_of(listing)
    db.session.flush()
    if changed:
        announce("listings")  # one rebuild, not a recompute per listing
    return changed


# Status ----------------------------------------------------------------------------

# action: (the statuses it may start from, the status it leads to)
TRANSITIONS = {
    "publish": ({ListingStatus.DRAFT, ListingStatus.ARCHIVED}, ListingStatus.PUBLISHED),
    "archive": ({ListingStatus.DRAFT, ListingStatus.PUBLISHED}, ListingStatus.ARCHIVED),
    "unpublish": ({ListingStatus.PUBLISHED}, ListingStatus.DRAFT),
}
DONE = {"publish": "published", "archive": "archived", "unpublish": "unpublished"}


def change_status(listing: Listing, action: str, actor: Any, on: date | None = None) -> None:
    """Publish, archive or (staff) unpublish a listing, if its status and the actor allow."""
    starts, ends = TRANSITIONS[action]
    allowed = can_unpublish_listing if action == "unpublish" else can_edit_listing
    if not allowed(actor, listing):
        raise NotAllowed(f"You cannot {action} {listing.ref}.")
    if listing.status not in starts:
        raise InvalidTransition(
            f"{listing.ref} is {listing.status}, so it cannot be {DONE[action]}."
        )
    if ends == ListingStatus.PUBLISHED:
        _check_publishable(listing, on or today())
        listing.published_at = utcnow()
    listing.status = ends.value
    if action == "unpublish":
        audit.record(actor, "listing.unpublish", f"{listing.ref} {listing.title}")
    db.session.flush()


def last_day_of(listing: Listing | ListingFields) -> date | None:
    """The deadline, or the end of an offer's availability: a listing past it cannot be
    published."""
    return getattr(listing, "deadline", None) or getattr(listing, "available_to", None)


def _check_publishable(listing: Listing, on: date) -> None:
    last_day = last_day_of(listing)
    if last_day is not None and last_day < on:
        raise InvalidTransition(
            f"{listing.ref} ended on {format_date(last_day)}: "
            "change its dates before publishing it."
        )
    if not listing.measures:
        raise InvalidTransition(f"{listing.ref} names no measures: add one before publishing it.")


# Reading ---------------------------------------------------------------------------


def listings_of(
    organisation: Organisation, model: type[Listing], *, published_only: bool
) -> list[Listing]:
    """An organisation's listings of one kind: drafts first, then newest first."""
    query = select(model).where(model.organisation_id == organisation.id)
    if published_only:
        query = query.where(model.status == ListingStatus.PUBLISHED.value)
    return drafts_first(
        db.session.scalars(query.order_by(model.created_at.desc(), model.id.desc()))
    )


class _WithStatus(Protocol):
    @property
    def status(self) -> str: ...


WithStatus = TypeVar("WithStatus", bound=_WithStatus)
_STATUS_ORDER = {ListingStatus.DRAFT: 0, ListingStatus.PUBLISHED: 1, ListingStatus.ARCHIVED: 2}


def drafts_first(listings: Iterable[WithStatus]) -> list[WithStatus]:
    """Listings (or lines read of them) in the order their organisation's pages show them:
    drafts, then published, then archived, each status in the order given."""
    return sorted(listings, key=lambda listing: _STATUS_ORDER[ListingStatus(listing.status)])


@dataclass(frozen=True)
class MeasureLine:
    """A listing's measure as a page shows it: the catalogue's words beside the quantity."""

    code: str
    description: str
    unit: str
    quantity: Decimal | None
    weight: Decimal | None = None


def measure_lines(listing: Listing) -> list[MeasureLine]:
    rows = listing.measures
    catalogue = measures_by_code(row.measure_code for row in rows)
    lines = []
    for row in rows:
        measure = catalogue.get(row.measure_code)
        lines.append(
            MeasureLine(
                code=row.measure_code,
                description=measure.description if measure else "No longer in the catalogue",
                unit=measure.unit if measure else "",
                quantity=row.quantity,
                weight=getattr(row, "weight", None),
            )
        )
    return lines
