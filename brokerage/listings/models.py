"""Profiles and listings: a supplier's social value offers, a buyer's procurement
opportunities and a beneficiary's needs, each with the TOMs measures it names.

Measures are stored by code, not by key: a code means the measure in force whatever
framework version is loaded next, and the forms check codes against the catalogue. Every
listing keeps where its postcode is (grid point, district, priority place), worked out
when it is saved, so distance is plain geometry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, synonym

from ..accounts.models import Organisation, OrganisationKind, User
from ..extensions import Model
from ..types import UTCDateTime, in_list, utcnow
from .choices import Category, ListingStatus, Size

# Quantities as the measure picker reads them: two decimal places, up to 100 million.
Quantity = Numeric(12, 2)


class Profile(Model):
    """What an organisation tells the others about itself; one per organisation."""

    __tablename__ = "profiles"
    __topic__ = "organisations"  # see brokerage/changes.py

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), unique=True
    )
    sector: Mapped[str | None] = mapped_column(String(20))
    size: Mapped[str | None] = mapped_column(String(10))
    is_vcse: Mapped[bool] = mapped_column(default=False)
    is_social_enterprise: Mapped[bool] = mapped_column(default=False)
    pays_real_living_wage: Mapped[bool] = mapped_column(default=False)
    # Suppliers only: how far from their postcode they work.
    service_radius_km: Mapped[int | None]
    website: Mapped[str] = mapped_column(String(255), default="")
    # A contact for other organisations' members, shown only if the organisation chooses to.
    contact_name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="", server_default="")
    show_contact: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    verified: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
    verified_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("sector", Category), name="sector_known"),
        CheckConstraint(in_list("size", Size), name="size_known"),
        CheckConstraint(
            "service_radius_km > 0 AND service_radius_km <= 1000", name="service_radius_sensible"
        ),
        CheckConstraint("NOT verified OR verified_at IS NOT NULL", name="verified_when"),
        CheckConstraint("NOT show_contact OR contact_name <> ''", name="shown_contact_named"),
    )

    def __repr__(self) -> str:
        return f"<Profile of organisation {self.organisation_id}>"


# Listing and TradeRow are mixins, mapped only in the models that list them beside Model. A
# type checker is told they are Model (as extensions.py tells it Model is Base), so it knows
# the keyword constructor and the table every concrete listing has.
if TYPE_CHECKING:
    _Mixin = Model
else:
    _Mixin = object


class Listing(_Mixin):
    """The columns every offer, opportunity and need has."""

    REF_PREFIX: ClassVar[str]
    ORGANISATION_KIND: ClassVar[OrganisationKind]
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=ListingStatus.DRAFT.value)
    postcode: Mapped[str] = mapped_column(String(8))
    # Where the postcode is, worked out when the listing is saved (see service.locate).
    easting: Mapped[int]
    northing: Mapped[int]
    district: Mapped[str] = mapped_column(String(40))
    priority_place: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The partner's own id for it, from a spreadsheet import (the key re-imports update by).
    external_ref: Mapped[str | None] = mapped_column(String(60), unique=True)

    @declared_attr
    def organisation(cls) -> Mapped[Organisation]:  # noqa: N805
        return relationship(Organisation)

    if TYPE_CHECKING:
        # Each kind maps its own rows (Offer.measures holds OfferMeasure rows, and so on).
        measures: Mapped[Sequence[AnyMeasureRow]]

    @classmethod
    def common_constraints(cls) -> tuple[CheckConstraint, ...]:
        return (
            CheckConstraint(in_list("status", ListingStatus), name="status_known"),
            CheckConstraint(in_list("category", Category), name="category_known"),
            CheckConstraint("title <> ''", name="title_not_empty"),
        )

    @property
    def ref(self) -> str:
        """The short public reference, e.g. OFF-12."""
        return f"{self.REF_PREFIX}-{self.id}"

    @property
    def is_published(self) -> bool:
        return self.status == ListingStatus.PUBLISHED

    @property
    def status_label(self) -> str:
        return ListingStatus(self.status).label

    @property
    def category_label(self) -> str:
        return Category(self.category).label

    @property
    def quantities(self) -> dict[str, Decimal | None]:
        """{code: quantity} in the order chosen: what the measure picker is filled with."""
        return {row.measure_code: row.quantity for row in self.measures}

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.ref} {self.status}>"


class Offer(Listing, Model):
    """A supplier's social value offer."""

    __tablename__ = "offers"
    REF_PREFIX = "OFF"
    ORGANISATION_KIND = OrganisationKind.SUPPLIER

    available_from: Mapped[date | None] = mapped_column(Date)
    available_to: Mapped[date | None] = mapped_column(Date)

    measures: Mapped[list[OfferMeasure]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="OfferMeasure.id"
    )

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            *cls.common_constraints(),
            CheckConstraint("available_to >= available_from", name="available_in_order"),
        )


class OfferMeasure(Model):
    __tablename__ = "offer_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    measure_code: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal] = mapped_column(Quantity)

    offer: Mapped[Offer] = relationship(back_populates="measures")

    __table_args__ = (
        UniqueConstraint("offer_id", "measure_code", name="uq_offer_measures_offer_code"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Opportunity(Listing, Model):
    """A buyer's procurement opportunity and the social value it asks for."""

    __tablename__ = "opportunities"
    REF_PREFIX = "OPP"
    ORGANISATION_KIND = OrganisationKind.BUYER

    estimated_value_pence: Mapped[int | None] = mapped_column(BigInteger)
    deadline: Mapped[date] = mapped_column(Date)
    # The tender notice (Find a Tender, Contracts Finder or the buyer's portal); "" if none.
    notice_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    measures: Mapped[list[OpportunityMeasure]] = relationship(
        back_populates="opportunity",
        cascade="all, delete-orphan",
        order_by="OpportunityMeasure.id",
    )
    trades: Mapped[list[OpportunityTrade]] = relationship(
        back_populates="opportunity", cascade="all, delete-orphan", order_by="OpportunityTrade.id"
    )

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            *cls.common_constraints(),
            CheckConstraint("estimated_value_pence > 0", name="value_positive"),
        )

    @property
    def weights(self) -> dict[str, Decimal]:
        return {row.measure_code: row.weight for row in self.measures}

    @property
    def targets(self) -> dict[str, Decimal]:
        """{code: target}: its `quantities`, which an opportunity always states."""
        return {row.measure_code: row.target for row in self.measures}


class OpportunityMeasure(Model):
    """A measure wanted: the quantity hoped for and how much it counts beside the others."""

    __tablename__ = "opportunity_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    measure_code: Mapped[str] = mapped_column(String(40))
    target: Mapped[Decimal] = mapped_column(Quantity)
    weight: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=Decimal(1))

    opportunity: Mapped[Opportunity] = relationship(back_populates="measures")
    # Every measure row has a `quantity`; an opportunity's is the target it hopes for.
    quantity = synonym("target")

    __table_args__ = (
        UniqueConstraint(
            "opportunity_id", "measure_code", name="uq_opportunity_measures_opportunity_code"
        ),
        CheckConstraint("target > 0", name="target_positive"),
        CheckConstraint("weight > 0 AND weight <= 100", name="weight_sensible"),
    )


class Need(Listing, Model):
    """A beneficiary's need: what would help, how much, where and by when."""

    __tablename__ = "needs"
    REF_PREFIX = "NEED"
    ORGANISATION_KIND = OrganisationKind.BENEFICIARY

    deadline: Mapped[date | None] = mapped_column(Date)
    quantity_wanted: Mapped[Decimal | None] = mapped_column(Quantity)
    quantity_unit: Mapped[str] = mapped_column(String(60), default="")

    measures: Mapped[list[NeedMeasure]] = relationship(
        back_populates="need", cascade="all, delete-orphan", order_by="NeedMeasure.id"
    )

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            *cls.common_constraints(),
            CheckConstraint("quantity_wanted > 0", name="quantity_wanted_positive"),
        )


class NeedMeasure(Model):
    """A measure a need fits; the quantity is optional (None: any amount helps)."""

    __tablename__ = "need_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"), index=True)
    measure_code: Mapped[str] = mapped_column(String(40))
    quantity: Mapped[Decimal | None] = mapped_column(Quantity)

    need: Mapped[Need] = relationship(back_populates="measures")

    __table_args__ = (
        UniqueConstraint("need_id", "measure_code", name="uq_need_measures_need_code"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


# A measure row of any kind of listing: an opportunity's quantity is its target.
AnyMeasureRow = OfferMeasure | OpportunityMeasure | NeedMeasure


class TradeRow(_Mixin):
    """A trade as a CPV code, or as a partner's file wrote it until staff classify it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    cpv_code: Mapped[str | None] = mapped_column(String(8))
    # What the file said, kept when no code could be read from it (cpv_code is then None).
    written: Mapped[str] = mapped_column(String(120), default="")

    @classmethod
    def common_constraints(cls) -> tuple[CheckConstraint, ...]:
        return (
            CheckConstraint("cpv_code IS NOT NULL OR written <> ''", name="code_or_words"),
            CheckConstraint("length(cpv_code) = 8", name="cpv_code_eight_digits"),
        )


class OrganisationTrade(TradeRow, Model):
    """What a supplier can be hired to do."""

    __tablename__ = "organisation_trades"
    __topic__ = "organisations"  # see brokerage/changes.py

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    organisation: Mapped[Organisation] = relationship()

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            *cls.common_constraints(),
            UniqueConstraint(
                "organisation_id", "cpv_code", name="uq_organisation_trades_organisation_code"
            ),
        )


class OpportunityTrade(TradeRow, Model):
    """What a procurement opportunity buys."""

    __tablename__ = "opportunity_trades"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), index=True
    )
    opportunity: Mapped[Opportunity] = relationship(back_populates="trades")

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:  # noqa: N805
        return (
            *cls.common_constraints(),
            UniqueConstraint(
                "opportunity_id", "cpv_code", name="uq_opportunity_trades_opportunity_code"
            ),
        )


LISTING_MODELS: tuple[type[Offer] | type[Opportunity] | type[Need], ...] = (
    Offer,
    Opportunity,
    Need,
)
