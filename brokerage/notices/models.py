"""What the notices import keeps: each procurement (an OCDS `ocid`) with the releases it was
merged from, its social value award criteria and its awards; the identifiers notices give
organisations; and which organisations an import created, with the email domain that
proves a person may claim one."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation
from ..extensions import Model
from ..listings.models import Opportunity
from ..types import UTCDateTime, utcnow


class Procurement(Model):
    """One contracting process as its notices describe it, merged from its releases."""

    __tablename__ = "notice_procurements"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str] = mapped_column(String(120), unique=True)
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="SET NULL"), unique=True
    )
    title: Mapped[str] = mapped_column(String(300))
    # The latest notice's type: UK1 ... UK17 (Find a Tender), or Contracts Finder's stage.
    notice_type: Mapped[str] = mapped_column(String(30))
    notice_url: Mapped[str] = mapped_column(String(500), default="")
    value_pence: Mapped[int | None] = mapped_column(BigInteger)
    deadline: Mapped[date | None] = mapped_column(Date)
    contract_starts_on: Mapped[date | None] = mapped_column(Date)
    contract_ends_on: Mapped[date | None] = mapped_column(Date)
    delivery_postcode: Mapped[str | None] = mapped_column(String(8))
    # What the notice says (None: it does not say).
    suitable_for_sme: Mapped[bool | None]
    suitable_for_vcse: Mapped[bool | None]
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Every release imported for it, so a later file's releases merge with the earlier ones.
    releases: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    buyer: Mapped[Organisation | None] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    criteria: Mapped[list[SocialValueCriterion]] = relationship(
        back_populates="procurement",
        cascade="all, delete-orphan",
        order_by="SocialValueCriterion.id",
    )
    awards: Mapped[list[Award]] = relationship(
        back_populates="procurement", cascade="all, delete-orphan", order_by="Award.id"
    )

    __table_args__ = (
        CheckConstraint("value_pence >= 0", name="value_not_negative"),
        CheckConstraint("ocid <> ''", name="ocid_not_empty"),
    )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class SocialValueCriterion(Model):
    """An award criterion whose name or description mentions social value, and its weight."""

    __tablename__ = "notice_social_value_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(
        ForeignKey("notice_procurements.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    # Share of the score, in per cent, when the notice gives it as one.
    weight_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))

    procurement: Mapped[Procurement] = relationship(back_populates="criteria")

    __table_args__ = (
        CheckConstraint("weight_percent >= 0 AND weight_percent <= 100", name="weight_a_share"),
    )


class Award(Model):
    """A supplier's award in a procurement, with who the supplier was when it won."""

    __tablename__ = "notice_awards"

    id: Mapped[int] = mapped_column(primary_key=True)
    procurement_id: Mapped[int] = mapped_column(
        ForeignKey("notice_procurements.id", ondelete="CASCADE"), index=True
    )
    award_id: Mapped[str] = mapped_column(String(120))
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(20), default="")
    # None for an award shared by several suppliers (the notice does not split its value).
    value_pence: Mapped[int | None] = mapped_column(BigInteger)
    awarded_on: Mapped[date | None] = mapped_column(Date)
    contract_starts_on: Mapped[date | None] = mapped_column(Date)
    contract_ends_on: Mapped[date | None] = mapped_column(Date)
    supplier_in_area: Mapped[bool] = mapped_column(default=False)
    supplier_is_sme: Mapped[bool | None]
    supplier_is_vcse: Mapped[bool | None]

    procurement: Mapped[Procurement] = relationship(back_populates="awards")
    supplier: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint(
            "procurement_id", "award_id", "supplier_id", name="uq_notice_awards_award_supplier"
        ),
        CheckConstraint("value_pence >= 0", name="value_not_negative"),
    )


class PartyIdentifier(Model):
    """An org-id a notice gave an organisation (GB-PPON-..., GB-COH-..., GB-CFS-...), so the
    next notice naming it finds the same organisation."""

    __tablename__ = "notice_party_identifiers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[str] = mapped_column(String(160), unique=True)

    organisation: Mapped[Organisation] = relationship()


class ImportedOrganisation(Model):
    """An organisation a notice import created. Nobody acts for it until a person proves
    they belong to it (an email address at `claim_domain`) or staff invite its owner."""

    __tablename__ = "notice_imported_organisations"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    # The domain of the notice's contact email, when the party's own website is at it too
    # (so a free-mail address never proves anything). None: only staff can hand it over.
    claim_domain: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship()
