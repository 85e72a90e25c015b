"""KPI operations: record a value, set a target. Services flush, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from .models import Kpi, KpiValue, Objective, Plan, WorkingGroup


def plan_kpis(plan: Plan) -> list[Kpi]:
    """The plan's KPIs in document order, with their values loaded."""
    return list(
        db.session.scalars(
            select(Kpi)
            .join(Kpi.objective)
            .join(Objective.working_group)
            .where(WorkingGroup.plan_id == plan.id)
            .order_by(WorkingGroup.position, Objective.number, Kpi.position)
            .options(selectinload(Kpi.values))
        )
    )


def record_kpi_value(kpi: Kpi, on: date, value: int, note: str, user: User | None) -> KpiValue:
    recorded = KpiValue(recorded_on=on, value=value, note=note.strip(), recorded_by=user)
    kpi.values.append(recorded)
    kpi.values.sort(key=lambda v: v.recorded_on)
    db.session.flush()
    return recorded


def set_kpi_target(kpi: Kpi, target: int | None) -> None:
    kpi.target = target
    db.session.flush()
