"""The delivery plan as tests use it: the real 2023/24 plan loaded into the test's database,
its leads, and its parts found as a test names them."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Action, Plan, PlanLead


def action_id(description: str, position: int = 0) -> int:
    """The id of the action with this description (the `position`th if several have it)."""
    ids = db.session.scalars(
        db.select(Action.id).where(Action.description == description).order_by(Action.id)
    )
    return list(ids)[position]


@pytest.fixture(scope="session")
def plan_data() -> dict[str, Any]:
    """The transcribed plan file, parsed once; tests get their own copy to change."""
    return service.read_plan_file(service.current_plan_file())


@pytest.fixture
def plan_copy(plan_data: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(plan_data)


@pytest.fixture
def loaded_plan(app, plan_data) -> Callable[[], Plan]:
    """Load the 2023/24 plan (committed inside the test's rolled-back transaction)."""
    with app.app_context():
        service.load_plan(plan_data)
        db.session.commit()
    return lambda: db.session.scalar(db.select(Plan).where(Plan.year == "2023/24"))


@pytest.fixture
def lead_for(client_for, in_app, loaded_plan) -> Callable[..., Any]:
    """`lead_for("Clayton Lavallin")`: a client signed in as a new account that staff
    have linked to these leads (optionally as a member of an organisation of `kind`)."""

    def _lead(*names: str, kind: str | None = None) -> Any:
        client = client_for(kind)

        def link() -> None:
            for name in names:
                lead = db.session.scalar(db.select(PlanLead).where(PlanLead.name == name))
                service.link_lead(lead, client.user_email)
            db.session.commit()

        in_app(link)
        return client

    return _lead
