"""Stored supplier matches: an opportunity's suppliers, ranked as organisations (issue 21).

A row is one opportunity and one supplier organisation, scored from the opportunity's side
(can it do the work, the social value of its offers together, place, what the buyer
values), with the reasons and the offers that gave credit, as the opportunity's page and
the supplier's "For you" show them. It is kept while the supplier is in the opportunity's
top N (`opportunity_rank`) or the opportunity is in the supplier's (`supplier_rank`).
These rows are suggestions only: acting on one (interest, a discussion) goes through the
offer-level `Match`, the workflow's unit. A `SupplierRanking` says that a published
opportunity's ranking is stored, even when no supplier is in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import Model
from ..types import UTCDateTime, utcnow

SCORE_COLUMNS = (
    "score",
    "trade_score",
    "social_value_score",
    "place_score",
    "supplier_score",
    "size_factor",
)


class SupplierMatch(Model):
    __tablename__ = "supplier_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    trade_score: Mapped[float] = mapped_column(Float)
    social_value_score: Mapped[float] = mapped_column(Float)
    place_score: Mapped[float] = mapped_column(Float)
    supplier_score: Mapped[float] = mapped_column(Float)
    # The factor a very small firm for the contract's value is counted at (1: none).
    size_factor: Mapped[float] = mapped_column(Float)
    # None where the supplier's place is unknown.
    distance_m: Mapped[float | None] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    # The supplier's offers that gave credit, in the order the reasons name them.
    offer_ids: Mapped[list[int]] = mapped_column(JSON)
    policy_version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    opportunity_rank: Mapped[int | None]
    supplier_rank: Mapped[int | None]

    __table_args__ = (
        UniqueConstraint(
            "opportunity_id", "organisation_id", name="uq_supplier_matches_opportunity_supplier"
        ),
        *(
            CheckConstraint(f"{column} >= 0 AND {column} <= 1", name=f"{column}_in_range")
            for column in SCORE_COLUMNS
        ),
        CheckConstraint("distance_m >= 0", name="distance_not_negative"),
        CheckConstraint("opportunity_rank >= 1 AND supplier_rank >= 1", name="ranks_from_one"),
        CheckConstraint(
            "opportunity_rank IS NOT NULL OR supplier_rank IS NOT NULL", name="ranked_somewhere"
        ),
        Index("ix_supplier_matches_opportunity_rank", "opportunity_id", "opportunity_rank"),
        Index("ix_supplier_matches_organisation_rank", "organisation_id", "supplier_rank"),
        # Covers the read of every supplier's N-th score (organisation and score where
        # supplier_rank = N) on an opportunity's save, so it never visits the wide rows.
        Index(
            "ix_supplier_matches_supplier_rank_score", "supplier_rank", "organisation_id", "score"
        ),
    )


class SupplierRanking(Model):
    """That a published opportunity's suppliers were ranked and stored (by which policy,
    when), even if none qualified: its page reads "no supplier matches yet" from here instead
    of ranking again on every view. Kept while the opportunity is published."""

    __tablename__ = "supplier_rankings"

    opportunity_id: Mapped[int] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE"), primary_key=True
    )
    policy_version: Mapped[int]
    ranked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
