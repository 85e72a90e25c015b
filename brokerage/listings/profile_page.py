"""What an organisation's profile page shows of it, read in one statement: the organisation,
its profile, its trades and its listings. The county's profiles are among its most read pages
and each is read once in a while, so nothing is kept: the page's cost is its round trips to
the database (one) and what it builds from the rows (plain values, not ORM objects, which cost
several times more to make than the page costs to draw)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    BindParameter,
    Date,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute

from ..accounts.models import Organisation, OrganisationKind
from ..accounts.organisation_types import type_label
from ..driver_reads import DriverRead
from ..extensions import db
from ..types import UTCDateTime
from .choices import Category, ListingStatus
from .closing import CLOSING_COLUMN
from .kinds import KINDS
from .models import Listing, OrganisationTrade, Profile
from .service import drafts_first


@dataclass(frozen=True, slots=True)
class OrganisationShown:
    """The organisation's columns the page shows, named as on `Organisation`."""

    id: int
    name: str
    kind: str
    postcode: str
    description: str
    organisation_type: str | None
    organisation_type_written: str
    company_number: str | None
    charity_number: str | None

    @property
    def kind_enum(self) -> OrganisationKind:
        return OrganisationKind(self.kind)

    @property
    def organisation_type_label(self) -> str:
        return type_label(self.organisation_type, self.organisation_type_written)


@dataclass(frozen=True, slots=True)
class ProfileShown:
    """The profile's columns the page shows, named as on `Profile`."""

    sector: str | None
    size: str | None
    is_vcse: bool
    is_social_enterprise: bool
    pays_real_living_wage: bool
    service_radius_km: int | None
    website: str
    contact_name: str
    contact_email: str
    contact_phone: str
    show_contact: bool
    verified: bool
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class TradeShown:
    """A trade as `TradeRow` has it: a CPV code, or the words a file gave."""

    cpv_code: str | None
    written: str


@dataclass(frozen=True, slots=True)
class ListingShown:
    """A line of the page's table of listings (`closes_on`: its last open day, if any)."""

    id: int
    ref: str
    title: str
    category: str
    district: str
    status: str
    closes_on: date | None
    status_label: str
    category_label: str


@dataclass(frozen=True)
class ProfilePage:
    organisation: OrganisationShown
    profile: ProfileShown | None  # None: the organisation has written no profile yet
    trades: list[TradeShown]
    listings: list[ListingShown]  # every status: drafts first, then newest first

    def listings_seen(self, drafts_too: bool) -> list[ListingShown]:
        """What the table shows: drafts and archived listings only to their members."""
        if drafts_too:
            return self.listings
        return [line for line in self.listings if line.status == ListingStatus.PUBLISHED]


def read(organisation_id: int) -> ProfilePage | None:
    """The organisation's profile page's contents; None if there is no such organisation."""
    rows = _PAGE.rows(db.session.connection(), organisation_id=organisation_id)
    if not rows:
        return None
    first = rows[0]
    organisation = OrganisationShown(*first[:_PROFILE_AT])
    has_profile = first[_HAS_PROFILE_AT]
    profile = ProfileShown(*first[_PROFILE_AT:_HAS_PROFILE_AT]) if has_profile else None
    parts = [_Part._make(row[_HAS_PROFILE_AT + 1 :]) for row in rows]
    trades = sorted((part for part in parts if part.part == _TRADE), key=lambda part: part.item_id)
    return ProfilePage(
        organisation,
        profile,
        [TradeShown(part.cpv_code, part.written) for part in trades],
        drafts_first(_listing(part) for part in parts if part.part == organisation.kind),
    )


class _Part(NamedTuple):
    """A row's part: one of the organisation's trades or listings (`_page_statement`), its
    columns as the database gives them (None where a part has no such column, or the
    organisation has neither trades nor listings)."""

    part: Any
    item_id: Any
    cpv_code: Any
    written: Any
    title: Any
    category: Any
    district: Any
    status: Any
    closes_on: Any


def _listing(row: _Part) -> ListingShown:
    prefix = _REF_PREFIX[row.part]
    return ListingShown(
        row.item_id,
        f"{prefix}-{row.item_id}",
        row.title,
        row.category,
        row.district,
        row.status,
        row.closes_on,
        ListingStatus(row.status).label,
        Category(row.category).label,
    )


def _columns(model: type[Any], shown: type[Any]) -> list[InstrumentedAttribute[Any]]:
    """The model's columns named as the fields of `shown`, in its order."""
    return [getattr(model, field.name) for field in dataclasses.fields(shown)]


# A row's `part`: one of the organisation's trades, or one of its listings, named by the kind
# of organisation that lists that model. Each kind of organisation has only its own kind of
# listing, but an organisation is read before its kind is known: all three are asked for,
# each by its index on organisation_id, and the page keeps those of the organisation's kind.
_TRADE = "trade"
_LISTED_BY = {kind.model.ORGANISATION_KIND.value: kind.model for kind in KINDS}
_REF_PREFIX = {kind: model.REF_PREFIX for kind, model in _LISTED_BY.items()}
_ORGANISATION_ID: BindParameter[int] = bindparam("organisation_id")


def _listings_of(kind: str, model: type[Listing]) -> Any:
    return select(
        literal(kind).label("part"),
        model.id.label("item_id"),
        cast(null(), String).label("cpv_code"),
        cast(null(), String).label("written"),
        model.title,
        model.category,
        model.district,
        model.status,
        getattr(model, CLOSING_COLUMN[model]).label("closes_on"),
        model.created_at,
    ).where(model.organisation_id == _ORGANISATION_ID)


def _page_statement() -> Any:
    trades = select(
        literal(_TRADE).label("part"),
        OrganisationTrade.id,
        OrganisationTrade.cpv_code,
        OrganisationTrade.written,
        *(cast(null(), String) for _ in range(4)),
        cast(null(), Date),
        cast(null(), UTCDateTime()),
    ).where(OrganisationTrade.organisation_id == _ORGANISATION_ID)
    # The listings first: a union's columns take their types from its first part.
    listings = [_listings_of(kind, model) for kind, model in _LISTED_BY.items()]
    parts = union_all(*listings, trades).subquery("parts")
    return (
        select(
            *_columns(Organisation, OrganisationShown),
            *_columns(Profile, ProfileShown),
            Profile.id.is_not(None).label("has_profile"),
            *(parts.c[name] for name in _Part._fields),
        )
        .select_from(Organisation)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .outerjoin(parts, true())
        .where(Organisation.id == _ORGANISATION_ID)
        .order_by(parts.c.created_at.desc(), parts.c.item_id.desc())
    )


_PROFILE_AT = len(dataclasses.fields(OrganisationShown))
_HAS_PROFILE_AT = _PROFILE_AT + len(dataclasses.fields(ProfileShown))
# Read on the driver's cursor: through SQLAlchemy's execution and result, the statement cost
# three times the driver's own work (the cursor's description alone, some thirty columns,
# a third of the rest).
_PAGE = DriverRead(_page_statement())
