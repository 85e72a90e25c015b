"""Priority places: areas the partnership wants to invest in first. Each lies in one of
the partnership's districts (checked by the form: the districts are configuration).

A place is a set of wards (2013 boundaries), postcode districts, sectors or whole postcodes;
records there are flagged automatically. A place with none of these is flagged by name only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..types import UTCDateTime, utcnow


class PriorityPlace(Model):
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

    wards: Mapped[list[PriorityPlaceWard]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PriorityPlaceWard.ward_name"
    )

    @property
    def wards_text(self) -> str:
        """One ward name a line: the form's way of writing them."""
        return "\n".join(ward.ward_name for ward in self.wards)

    @property
    def prefixes_text(self) -> str:
        """One prefix a line, with its note in brackets: the form's way of writing them."""
        return "\n".join(prefix.text for prefix in self.prefixes)

    def __repr__(self) -> str:
        return f"<PriorityPlace {self.name}>"


class PriorityPlacePrefix(Model):
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


class PriorityPlaceWard(Model):
    """A ward (by its 2013 code and name) that is part of a priority place."""

    __tablename__ = "priority_place_wards"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(
        ForeignKey("priority_places.id", ondelete="CASCADE"), index=True
    )
    ward_code: Mapped[str] = mapped_column(String(9), index=True)
    ward_name: Mapped[str] = mapped_column(String(120))

    place: Mapped[PriorityPlace] = relationship(back_populates="wards")

    __table_args__ = (
        UniqueConstraint("place_id", "ward_code", name="uq_priority_place_wards_place_ward_code"),
    )
