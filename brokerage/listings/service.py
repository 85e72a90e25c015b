"""Profiles and listings: save, locate, publish, archive. Services flush, never commit.

A listing is created as a draft by a member of an organisation of the right kind (an
offer by a supplier, an opportunity by a buyer, a need by a beneficiary). Saving works
out where its postcode is; publishing makes it visible to everyone signed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, overload

from sqlalchemy import select

from .. import audit
from ..accounts.models import Organisation
from ..changes import announce
from ..errors import BrokerageError
from ..extensions import db
from ..formatting import format_date
from ..places.postcodes import InvalidPostcode
from ..places.service import Place, resolve
from ..toms.service import measures_by_code
from ..types import utcnow
from . import trade_service
from .choices import ListingStatus
from .matching_inputs import Reach
from .models import (
    LISTING_MODELS,
    AnyMeasureRow,
    Listing,
    Need,
    NeedMeasure,
    Offer,
    OfferMeasure,
    Opportunity,
    OpportunityMeasure,
    OrganisationTrade,
    Profile,
)
from .permissions import can_edit_listing, can_unpublish_listing, can_verify_organisation


class NotAllowed(BrokerageError):
    status_code = 403


class InvalidTransition(BrokerageError):
    status_code = 409


class InvalidListing(BrokerageError):
    """A listing that breaks a rule the forms also check (for callers other than forms)."""


def today() -> date:
    """The date deadlines are judged against."""
    return utcnow().date()


# Profiles --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileFields:
    sector: str | None = None
    size: str | None = None
    is_vcse: bool = False
    is_social_enterprise: bool = False
    pays_real_living_wage: bool = False
    service_radius_km: int | None = None
    website: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    show_contact: bool = False
    # None: not on this kind's form, left as it is; () and "" clear them.
    trades: tuple[str, ...] | None = None
    organisation_type: str | None = None


# ProfileFields that are the organisation's, not columns of its profile.
_ORGANISATION_FIELDS = ("trades", "organisation_type")


def profile_of(organisation: Organisation) -> Profile | None:
    return db.session.scalar(select(Profile).where(Profile.organisation_id == organisation.id))


@dataclass(frozen=True)
class ProfileShown:
    """What an organisation's profile page shows of it, but its listings."""

    organisation: Organisation
    profile: Profile | None
    trades: list[OrganisationTrade]


def organisation_with_profile(organisation_id: int) -> ProfileShown | None:
    """The organisation, its profile (None if it has none) and its trades, in one query
    (a row per trade): every page of the whole county's profiles asks."""
    rows = db.session.execute(
        select(Organisation, Profile, OrganisationTrade)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .outerjoin(OrganisationTrade, OrganisationTrade.organisation_id == Organisation.id)
        .where(Organisation.id == organisation_id)
        .order_by(OrganisationTrade.id)
    ).all()
    if not rows:
        return None
    trades = [trade for _, _, trade in rows if trade is not None]
    return ProfileShown(rows[0][0], rows[0][1], trades)


def profiles_of(organisation_ids: list[int]) -> dict[int, Profile]:
    """Profiles by organisation id, for pages that show many organisations' badges."""
    profiles = db.session.scalars(
        select(Profile).where(Profile.organisation_id.in_(set(organisation_ids)))
    )
    return {profile.organisation_id: profile for profile in profiles}


# More organisations than this are looked up by reading every radius (service_reach).
MANY_ORGANISATIONS = 500


def service_reach(organisation_ids: Collection[int]) -> dict[int, Reach]:
    """The service radius of each of these organisations that has one: two columns, not
    whole profiles, since matching reads every supplier's at once. Past a few hundred ids,
    every radius is read and filtered here, which stays inside each database's limit on
    bound parameters and costs less than a long IN list."""
    query = select(Profile.organisation_id, Profile.service_radius_km).where(
        Profile.service_radius_km.is_not(None)
    )
    wanted = set(organisation_ids)
    if len(wanted) <= MANY_ORGANISATIONS:
        query = query.where(Profile.organisation_id.in_(wanted))
    return {
        organisation_id: Reach(radius)
        for organisation_id, radius in db.session.execute(query)
        if organisation_id in wanted
    }


def _profile_for_change(organisation: Organisation) -> Profile:
    profile = profile_of(organisation)
    if profile is None:
        profile = Profile(organisation=organisation)
        db.session.add(profile)
    return profile


def save_profile(organisation: Organisation, fields: ProfileFields) -> Profile:
    """Set every field the form shows for this kind of organisation; verification stays."""
    profile = _profile_for_change(organisation)
    for field in dataclasses.fields(fields):
        if field.name not in _ORGANISATION_FIELDS:
            setattr(profile, field.name, getattr(fields, field.name))
    profile.website = fields.website.strip()
    if fields.trades is not None:
        trade_service.set_organisation_trades(organisation, fields.trades)
    if fields.organisation_type is not None:
        organisation.organisation_type = fields.organisation_type or None
        organisation.organisation_type_written = ""
    profile.updated_at = utcnow()
    db.session.flush()
    return profile


def set_verified(organisation: Organisation, verified: bool, actor: Any) -> Profile:
    """Staff vouch for an organisation (the "verified" badge), or withdraw it."""
    if not can_verify_organisation(actor):
        raise NotAllowed("Only the partnership's staff verify organisations.")
    profile = _profile_for_change(organisation)
    profile.verified = verified
    profile.verified_at = utcnow() if verified else None
    profile.verified_by = actor if verified else None
    action = "organisation.verify" if verified else "organisation.unverify"
    audit.record(actor, action, f"organisation #{organisation.id} {organisation.name}")
    db.session.flush()
    return profile


# Saving listings --------------------------------------------------------------------


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


def listing_columns(fields: AnyListingFields, place: Place) -> dict[str, Any]:
    """The columns a listing takes from its fields, placed: the one account of them, for
    saving one listing (`_apply`) and for inserting many (`bulk_insert.new_listing`)."""
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


def refresh_locations() -> int:
    """Work out every listing's district and priority place again (after staff change the
    priority places); returns how many listings changed."""
    changed = 0
    for model in LISTING_MODELS:
        for listing in db.session.scalars(select(model)):
            before = (listing.district, listing.priority_place)
            locate(listing, listing.postcode)
            changed += before != (listing.district, listing.priority_place)
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
    rows = db.session.scalars(query.order_by(model.created_at.desc(), model.id.desc()))
    order = {ListingStatus.DRAFT: 0, ListingStatus.PUBLISHED: 1, ListingStatus.ARCHIVED: 2}
    return sorted(rows, key=lambda listing: order[ListingStatus(listing.status)])


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
