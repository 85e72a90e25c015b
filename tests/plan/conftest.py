"""Plan fixtures: the real 2023/24 plan loaded into the test's database, and a reader of
what a page shows."""

from __future__ import annotations

import copy
import html
import re
from collections.abc import Callable
from typing import Any

import pytest

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Plan


@pytest.fixture(scope="session")
def plan_data() -> dict[str, Any]:
    """The transcribed plan file, parsed once; tests get their own copy to change."""
    return service.read_plan_file(service.CURRENT_PLAN_FILE)


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


_TAG = re.compile(r"<[^>]+>")


def page_text(response: Any) -> str:
    """The page's visible text: tags removed, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", response.get_data(as_text=True))).split())
