"""Board report fixtures: the plan's, the charter's and the review world's, and a plan with
progress and KPI values recorded in and around 2024Q1."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.plan import kpis, service
from brokerage.plan.models import Action, Kpi, Project
from tests.charter.conftest import make_signee, pledge_ids  # noqa: F401  (fixtures)
from tests.plan.conftest import action_id, lead_for, loaded_plan, plan_data  # noqa: F401  (fixtures)
from tests.review.conftest import client_as, world  # noqa: F401  (fixtures)

ARCH_VOLUNTEERS = "Number of ARCh company volunteers through charter"
PARENT_POWER = "Identify area in Oxfordshire to replicate Parent Power"
GROWING_MINDS = "Develop feasibility study for expansion"
FEBRUARY_NOTE = "Blackbird Leys chosen with the parents' group in February."
DECEMBER_NOTE = "Feasibility study drafted before Christmas."


@dataclass(frozen=True)
class Recorded:
    kpi_id: int
    arch_project_id: int


def _posted(description: str, status: str, note: str, at: datetime) -> None:
    action = db.session.get(Action, action_id(description))
    update = service.record_update(action, status, note, None)
    update.created_at = at


@pytest.fixture
def recorded(app, loaded_plan) -> Recorded:  # noqa: F811  (the fixture imported above)
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
