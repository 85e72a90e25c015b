"""What happens to a match after it is suggested: every move (the append-only history the
task force audits), the messages between the two sides, and the delivery the providing
side records, with its value in £ fixed at the proxy values in force when it was delivered.

People are kept by id with SET NULL, so deleting an account leaves an anonymous trace.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Organisation, User
from ..extensions import Model
from ..matches.models import Match
from ..types import UTCDateTime, in_list, utcnow
from .states import EVENT_REASONS, State

MAX_MESSAGE = 2000
MAX_NOTE = 2000
# Evidence files: the types a delivery's evidence may be (told from the bytes), and the
# largest file kept.
EVIDENCE_TYPES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


class MatchEvent(Model):
    """One move of a match: who, when, from which state to which, and why. Never updated."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # False when the system moved it (expiry); a person's id goes if their account does.
    by_person: Mapped[bool]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("from_state", State), name="from_state_known"),
        CheckConstraint(in_list("to_state", State), name="to_state_known"),
        CheckConstraint(
            f"reason IS NULL OR reason IN ({', '.join(map(repr, EVENT_REASONS))})",
            name="reason_known",
        ),
    )

    @property
    def from_label(self) -> str:
        """ "Interest expressed": the state the move left, as words."""
        return State(self.from_state).label

    @property
    def to_label(self) -> str:
        """ "In discussion": the state the move reached, as words."""
        return State(self.to_state).label

    @property
    def reason_label(self) -> str:
        return EVENT_REASONS.get(self.reason or "", "")


class MatchMessage(Model):
    """A message from one side of a match to the other, shown on the match page."""

    __tablename__ = "match_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The side the author wrote for (their organisation), kept if the author leaves.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)

    author: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (CheckConstraint("body <> ''", name="body_not_empty"),)


class Delivery(Model):
    """What the providing side delivered for a match, and the other side's confirmation."""

    __tablename__ = "match_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), unique=True)
    delivered_from: Mapped[date] = mapped_column(Date)
    delivered_to: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Two-sided confirmation: the buyer or beneficiary says the help arrived.
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rating: Mapped[int | None]
    confirmation_note: Mapped[str] = mapped_column(Text, default="")

    match: Mapped[Match] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    lines: Mapped[list[DeliveryLine]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="DeliveryLine.id"
    )
    evidence_files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="EvidenceFile.id"
    )

    __table_args__ = (
        CheckConstraint("delivered_to >= delivered_from", name="dates_in_order"),
        CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating_1_to_5"),
    )

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def value_pence(self) -> int | None:
        """The £ value of the lines that have one; None when none has a proxy value."""
        values = [line.value_pence for line in self.lines if line.value_pence is not None]
        return sum(values) if values else None


class DeliveryLine(Model):
    """One TOMs measure delivered: how much, and its £ value at the proxy value in force on
    the delivery date (none when the measure has no proxy value: counted in units only)."""

    __tablename__ = "match_delivery_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("match_deliveries.id", ondelete="CASCADE"), index=True
    )
    measure_code: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(60), default="")
    quantity: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    proxy_value_pence: Mapped[int | None]
    proxy_value_source: Mapped[str] = mapped_column(Text, default="")
    value_pence: Mapped[int | None]

    delivery: Mapped[Delivery] = relationship(back_populates="lines")

    __table_args__ = (
        UniqueConstraint("delivery_id", "measure_code", name="uq_match_delivery_lines_code"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "(proxy_value_pence IS NULL) = (value_pence IS NULL)", name="value_with_proxy"
        ),
    )


class EvidenceFile(Model):
    """A file the providing side attached to its delivery as evidence. The bytes are kept
    outside static/, in the configured evidence folder under a random name (`stored_as`),
    and served only to the match's two sides, the task force and staff."""

    __tablename__ = "match_evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("match_deliveries.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))  # as uploaded, made safe to send back
    content_type: Mapped[str] = mapped_column(String(40))  # told from the bytes
    size_bytes: Mapped[int]
    stored_as: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    delivery: Mapped[Delivery] = relationship(back_populates="evidence_files")
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(
            f"content_type IN ({', '.join(map(repr, EVIDENCE_TYPES))})", name="type_accepted"
        ),
        CheckConstraint(f"size_bytes > 0 AND size_bytes <= {MAX_EVIDENCE_BYTES}", name="size"),
        CheckConstraint("filename <> ''", name="filename_not_empty"),
    )

    @property
    def kind(self) -> str:
        """ "PDF", "JPEG" or "PNG"."""
        return EVIDENCE_TYPES[self.content_type]
