"""Priority places: areas the partnership wants to invest in first.

A place is flagged by name until staff give it postcode prefixes (districts, sectors or
whole postcodes); only then are records there flagged automatically.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import UTCDateTime, utcnow
from .districts import OXFORDSHIRE_DISTRICTS


class PriorityPlace(db.Model):
    __tablename__ = "priority_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    local_authority: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    prefixes: Mapped[list[PriorityPlacePrefix]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PriorityPlacePrefix.prefix"
    )

    __table_args__ = (
        CheckConstraint(
            f"local_authority IN ({', '.join(repr(d) for d in OXFORDSHIRE_DISTRICTS)})",
            name="local_authority_known",
        ),
    )

    @property
    def prefixes_text(self) -> str:
        """One prefix a line, with its note in brackets: the form's way of writing them."""
        return "\n".join(prefix.text for prefix in self.prefixes)

    def __repr__(self) -> str:
        return f"<PriorityPlace {self.name}>"


class PriorityPlacePrefix(db.Model):
    """A postcode district (`OX4`), sector (`OX16 0`) or postcode in a priority place."""

    __tablename__ = "priority_place_prefixes"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("priority_places.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(8), index=True)
    # e.g. "partial": the sector also covers streets outside the place.
    note: Mapped[str] = mapped_column(String(120), default="")

    place: Mapped[PriorityPlace] = relationship(back_populates="prefixes")

    __table_args__ = (
        UniqueConstraint("place_id", "prefix", name="uq_priority_place_prefixes_place_prefix"),
    )

    @property
    def text(self) -> str:
        return f"{self.prefix} ({self.note})" if self.note else self.prefix
