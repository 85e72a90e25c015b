"""`flask plan load FILE`."""

from __future__ import annotations

from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan.models import Action, Plan
from brokerage.plan.service import current_plan_file


def _actions() -> int:
    return db.session.scalar(select(func.count()).select_from(Action))


def test_plan_load_imports_the_plan_and_prints_a_summary(flask_cli, in_app):
    result = flask_cli("plan", "load", str(current_plan_file()))

    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Plan 2023/24: 5 working groups, 24 objectives, 56 actions, 14 KPIs, 4 projects, "
        "15 cost lines, 15 leads, 5 events."
    )
    assert in_app(_actions) == 56


def test_plan_load_twice_creates_nothing_the_second_time(flask_cli, in_app):
    flask_cli("plan", "load", str(current_plan_file()))
    result = flask_cli("plan", "load", str(current_plan_file()))

    assert result.exit_code == 0
    assert "0 records created, 0 updated, 0 removed." in result.output
    assert in_app(lambda: db.session.scalar(select(func.count()).select_from(Plan))) == 1


def test_plan_load_of_a_malformed_file_lists_the_problems_and_fails(flask_cli, tmp_path, in_app):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        current_plan_file()
        .read_text(encoding="utf-8")
        .replace("timescale: June 2024", "timescale: Smarch 2024"),
        encoding="utf-8",
    )

    result = flask_cli("plan", "load", str(bad))

    assert result.exit_code == 1
    assert "The plan file has 1 problem; nothing was imported." in result.output
    assert (
        "  - working_groups[4].objectives[4].actions[0]: timescale 'Smarch 2024' is not a "
        "month, a range of months, On-going or TBC"
    ) in result.output
    assert in_app(_actions) == 0


def test_plan_load_of_a_missing_file_fails(flask_cli):
    result = flask_cli("plan", "load", "/nonexistent/plan.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.output
