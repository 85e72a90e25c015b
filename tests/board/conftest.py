"""Board report fixtures: a plan with
progress and KPI values recorded in and around 2024Q1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.plan import kpis, service
from brokerage.plan.models import Action, Kpi, Project
from tests.helpers.board import (
    ARCH_VOLUNTEERS,
    DECEMBER_NOTE,
    FEBRUARY_NOTE,
    GROWING_MINDS,
    PARENT_POWER,
)
from tests.helpers.plan import action_id


@dataclass(frozen=True)
class Recorded:
    kpi_id: int
    arch_project_id: int


def _posted(description: str, status: str, note: str, at: datetime) -> None:
    action = db.session.get(Action, action_id(description))
    update = service.record_update(action, status, note, None)
    update.created_at = at


@pytest.fixture
def recorded(app, loaded_plan) -> Recorded:
    """The 2023/24 plan with one update in 2023Q4 and one in 2024Q1, and ARCh volunteers
    recorded at 4 in November 2023, 6 more in February 2024 and 5 more in May 2024."""
    with app.app_context():
        _posted(GROWING_MINDS, "on_track", DECEMBER_NOTE, datetime(2023, 12, 20, 9, tzinfo=UTC))
        _posted(PARENT_POWER, "done", FEBRUARY_NOTE, datetime(2024, 2, 10, 9, tzinfo=UTC))
        kpi = db.session.scalar(select(Kpi).where(Kpi.name == ARCH_VOLUNTEERS))
        kpis.record_kpi_value(kpi, date(2023, 11, 1), 4, "autumn term", None)
        kpis.record_kpi_value(kpi, date(2024, 2, 1), 6, "spring term", None)
        kpis.record_kpi_value(kpi, date(2024, 5, 1), 5, "summer term", None)
        kpis.set_kpi_target(kpi, 20)
        project = db.session.scalar(select(Project).where(Project.name.startswith("Assisted")))
        db.session.commit()
        return Recorded(kpi.id, project.id)
