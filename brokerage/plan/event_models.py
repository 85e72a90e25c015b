"""Events the plan names or staff add: seminars, webinars, open days, Meet the Buyer.

An event serves one action. Once held, its attendance counts towards the KPI it is linked
to ("Number of total attendees"), and the event itself towards a KPI counting events held
("Number of HR network seminars held"): see events.record_kpis.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from ..formatting import format_date
from ..types import UTCDateTime, in_list, utcnow
from .models import Action, Kpi, KpiValue, Plan
from .states import EventKind


class Event(Model):
    __tablename__ = "plan_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # The day, once known; until then `timing` keeps when the plan says ("September 2023",
    # "February").
    happens_on: Mapped[date | None] = mapped_column(Date)
    timing: Mapped[str] = mapped_column(String(80), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_actions.id", ondelete="SET NULL"), index=True
    )
    held: Mapped[bool] = mapped_column(default=False)
    attendance: Mapped[int | None]
    attendance_kpi_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_kpis.id", ondelete="SET NULL"), index=True
    )
    held_kpi_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_kpis.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    plan: Mapped[Plan] = relationship()
    action: Mapped[Action | None] = relationship()
    attendance_kpi: Mapped[Kpi | None] = relationship(foreign_keys=[attendance_kpi_id])
    held_kpi: Mapped[Kpi | None] = relationship(foreign_keys=[held_kpi_id])
    kpi_values: Mapped[list[KpiValue]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        UniqueConstraint("plan_id", "title", name="uq_plan_events_plan_title"),
        CheckConstraint(in_list("kind", EventKind), name="kind_known"),
        CheckConstraint("attendance IS NULL OR attendance >= 0", name="attendance_not_negative"),
        CheckConstraint("attendance IS NULL OR held", name="attendance_when_held"),
        CheckConstraint("NOT held OR happens_on IS NOT NULL", name="held_on_a_date"),
    )

    @property
    def kind_enum(self) -> EventKind:
        return EventKind(self.kind)

    @property
    def when(self) -> str:
        """The date if known, else the timing the plan gives."""
        if self.happens_on:
            return format_date(self.happens_on)
        return self.timing or "Date to be set"
