"""Matching policy versions, and stored matches, each recording the version that scored it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import Model
from ..listings.models import Need, Offer, Opportunity
from ..matching.strength import strength_word
from ..types import UTCDateTime, in_list, utcnow


class SaidInWords(enum.StrEnum):
    """An enum whose values are snake_case words, shown as a label ("interest_expressed"
    reads "Interest expressed", capitalised as every list and badge shows it)."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class State(SaidInWords):
    """Where a stored match stands, as its `state` column holds it: the engine stores it
    suggested, and the workflow (`brokerage.workflow.states`) says which moves lead on."""

    SUGGESTED = "suggested"
    INTEREST_EXPRESSED = "interest_expressed"
    IN_DISCUSSION = "in_discussion"
    AGREED = "agreed"
    DELIVERED = "delivered"
    VERIFIED = "verified"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


# A match that ended without help given: declined, withdrawn or expired. "For you" pages
# never offer it, or the listing on its other side, again as help to give or work to bid for.
ENDED_WITHOUT_HELP = frozenset({State.DECLINED, State.WITHDRAWN, State.EXPIRED})
ENDED_WITHOUT_HELP_VALUES = tuple(sorted(state.value for state in ENDED_WITHOUT_HELP))


class MatchingPolicyVersion(Model):
    """A published policy: its numbers never change once published; a new one gets a new version."""

    __tablename__ = "matching_policy_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(unique=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    published_by: Mapped[User | None] = relationship()


class Match(Model):
    """One stored pair: an offer and the opportunity or need it answers, scored from the
    seeking side (how well the offer meets what the opportunity or need asks for).

    A pair is stored while it is in the seeker's top N (`seeker_rank`) or in the offer's
    top N of that kind of seeker (`offer_rank`: its best needs, its best opportunities), as
    the offer's page shows them. Recomputing replaces
    or deletes only rows still "suggested"; the workflow issue moves `state` on, and
    `version` guards those moves against lost updates.
    """

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    opportunity_id: Mapped[int | None] = mapped_column(
        ForeignKey("opportunities.id", ondelete="CASCADE")
    )
    need_id: Mapped[int | None] = mapped_column(ForeignKey("needs.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    location_score: Mapped[float] = mapped_column(Float)
    toms_score: Mapped[float] = mapped_column(Float)
    fit_score: Mapped[float] = mapped_column(Float)
    distance_m: Mapped[float] = mapped_column(Float)
    # Stored for pairs in a seeker's top N; None for those kept only for an offer's ranking.
    stored_reasons: Mapped[list[str] | None] = mapped_column(
        "reasons", JSON(none_as_null=True), nullable=True
    )
    policy_version: Mapped[int]
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    seeker_rank: Mapped[int | None]
    offer_rank: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(20), default=State.SUGGESTED.value)
    version: Mapped[int] = mapped_column(default=1)

    offer: Mapped[Offer] = relationship()
    opportunity: Mapped[Opportunity | None] = relationship()
    need: Mapped[Need | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        CheckConstraint("(opportunity_id IS NULL) <> (need_id IS NULL)", name="one_seeker"),
        UniqueConstraint("offer_id", "opportunity_id", name="uq_matches_offer_opportunity"),
        UniqueConstraint("offer_id", "need_id", name="uq_matches_offer_need"),
        *(
            CheckConstraint(f"{column} >= 0 AND {column} <= 1", name=f"{column}_in_range")
            for column in ("score", "location_score", "toms_score", "fit_score")
        ),
        CheckConstraint("distance_m >= 0", name="distance_not_negative"),
        CheckConstraint("seeker_rank >= 1 AND offer_rank >= 1", name="ranks_from_one"),
        CheckConstraint(in_list("state", State), name="state_known"),
        Index("ix_matches_opportunity_best", "opportunity_id", "score"),
        Index("ix_matches_need_best", "need_id", "score"),
        Index("ix_matches_offer_best", "offer_id", "score"),
        # A save reads the N-th score of every full ranking (`store._Rows.nth_scores`:
        # rank = TOP_N, one side's seeker not null). These cover that read, so it is an
        # index range scan that never visits the table, whatever TOP_N is (plain, not
        # partial on the constant, so changing TOP_N needs no migration).
        Index("ix_matches_seeker_nth", "seeker_rank", "opportunity_id", "need_id", "score"),
        Index(
            "ix_matches_offer_nth", "offer_rank", "opportunity_id", "need_id", "offer_id", "score"
        ),
    )

    # A plain attribute, not a column: the reasons worked out while this object is shown,
    # never written back (a GET writes nothing, and a write would bump `version`).
    if TYPE_CHECKING:
        explained: tuple[str, ...] | None
    else:
        explained = None

    @property
    def reasons(self) -> list[str]:
        """Why the pair scores as it does: the stored reasons or, for a pair stored without
        (explaining every pair of a rebuild took minutes), the ones `scene.explain_stored`
        worked out for showing it, which must have run first."""
        if self.stored_reasons is not None:
            return self.stored_reasons
        if self.explained is None:
            raise LookupError(f"Match {self.id} is stored without reasons: explain it first.")
        return list(self.explained)

    @reasons.setter
    def reasons(self, value: list[str] | None) -> None:
        self.stored_reasons = value

    @property
    def strength(self) -> str:
        """ "strong", "good" or "possible": the score in a word."""
        return strength_word(self.score)

    @property
    def seeker(self) -> Opportunity | Need:
        return self.opportunity or self.need  # type: ignore[return-value]

    @property
    def distance_km(self) -> float:
        return round(self.distance_m / 1000, 1)
