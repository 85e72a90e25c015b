"""Loading a plan: all or nothing, clear problems, and reloads that update in place."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Action, CostLine, Plan, PlanLead
from brokerage.plan.spec import PlanFileInvalid

ALL_MODELS = (Plan, Action, PlanLead, CostLine)


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in ALL_MODELS
    }


def _load(data) -> service.LoadReport:
    """Load and commit, as the command does."""
    report = service.load_plan(data)
    db.session.commit()
    return report


def _problems(data) -> list[str]:
    with pytest.raises(PlanFileInvalid) as refused:
        service.load_plan(data)
    return refused.value.problems


def test_a_bad_timescale_is_refused_with_where_it_is_and_nothing_is_imported(plan_copy, in_app):
    plan_copy["working_groups"][2]["objectives"][1]["actions"][0]["timescale"] = "Smarch 2023"

    assert in_app(lambda: _problems(plan_copy)) == [
        "working_groups[2].objectives[1].actions[0]: timescale 'Smarch 2023' is not a month, "
        "a range of months, On-going or TBC"
    ]
    assert set(in_app(_counts).values()) == {0}


def test_every_problem_in_a_file_is_listed_at_once(plan_copy, in_app):
    actions = plan_copy["working_groups"][0]["objectives"][0]["actions"]
    del actions[0]["lead"]
    actions[1]["phase"] = "Dream"
    actions[1]["colour"] = "red"
    plan_copy["working_groups"][1]["objectives"][1]["number"] = 1
    plan_copy["projects"][0]["cost_lines"][0]["amount"] = "twelve pounds"
    plan_copy["projects"][3]["total"] = "£79,000"
    plan_copy["projects"][1]["working_group"] = "Knitting"

    assert in_app(lambda: _problems(plan_copy)) == [
        "working_groups[0].objectives[0].actions[0]: 'lead' is missing",
        "working_groups[0].objectives[0].actions[1]: unknown key 'colour'",
        "working_groups[0].objectives[0].actions[1]: phase 'Dream' is not one of "
        "Understand, Plan, Do, Review",
        "working_groups[1].objectives: objective number 1 appears more than once",
        "projects[0].cost_lines[0]: amount 'twelve pounds' is not an amount in pounds, "
        "like '£1,234.50'",
        "projects[1]: working group 'Knitting' is not in this plan",
        "projects[3]: the cost lines add up to £79,120 but the total is £79,000",
    ]
    assert set(in_app(_counts).values()) == {0}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "must be a mapping of keys to values"),
        (["a", "list"], "must be a mapping of keys to values"),
        ({"working_groups": []}, "'plan' is missing"),
        ({"plan": "2024/25", "working_groups": "lots"}, "'working_groups' must be a list"),
        ({"plan": "2024/25"}, "working_groups: the plan has no working groups"),
        ({"plan": 2024, "working_groups": [{"name": "A"}]}, "'plan' must be text, not int"),
    ],
)
def test_files_that_are_not_plans_are_refused(data, problem, in_app):
    assert problem in in_app(lambda: _problems(data))


def test_money_in_floats_is_refused_so_no_penny_is_lost_to_rounding(plan_copy, in_app):
    plan_copy["projects"][1]["cost_lines"][0]["amount"] = 5490.10
    assert (
        "projects[1].cost_lines[0]: amount must be an amount in pounds written as text, "
        "like '£1,234.50'"
    ) in in_app(lambda: _problems(plan_copy))


def test_loading_the_same_file_twice_changes_nothing(plan_data, in_app):
    first = in_app(lambda: _load(plan_data))
    counts = in_app(_counts)
    again = in_app(lambda: _load(plan_data))

    assert first.created > 0
    assert (again.created, again.updated, again.removed) == (0, 0, 0)
    assert in_app(_counts) == counts == {"Plan": 1, "Action": 56, "PlanLead": 15, "CostLine": 15}


def test_a_reload_updates_in_place_and_keeps_statuses_and_progress(loaded_plan, plan_copy, in_app):
    def record_progress() -> int:
        action = loaded_plan().working_groups[0].objectives[0].actions[0]
        service.record_update(action, "on_track", "Two grant bids sent.", None)
        db.session.commit()
        return action.id

    action_id = in_app(record_progress)
    first = plan_copy["working_groups"][0]["objectives"][0]["actions"][0]
    first["timescale"] = "May 2023-October 2024"
    first["lead"] = "Emma Coles/Becky Chessyre"

    report = in_app(lambda: _load(plan_copy))

    def reloaded() -> tuple:
        action = db.session.get(Action, action_id)
        return (
            action.timescale,
            str(action.starts_on),
            [lead.name for lead in action.leads],
            action.status,
            len(action.updates),
        )

    assert in_app(reloaded) == (
        "May 2023-October 2024",
        "2023-05-01",
        ["Emma Coles", "Becky Chessyre"],
        "on_track",
        1,
    )
    assert (report.updated, report.removed) == (1, 0)


def test_a_reload_that_drops_an_action_with_progress_archives_and_reports_it(
    loaded_plan, plan_copy, in_app
):
    def record_progress() -> int:
        action = loaded_plan().working_groups[4].objectives[0].actions[2]
        service.record_update(action, "done", "Signees shared the charter.", None)
        db.session.commit()
        return action.id

    action_id = in_app(record_progress)
    dropped = plan_copy["working_groups"][4]["objectives"][0]["actions"].pop(2)
    following = plan_copy["working_groups"][4]["objectives"][0]["actions"][2]["description"]

    report = in_app(lambda: _load(plan_copy))

    def after() -> tuple:
        action = db.session.get(Action, action_id)
        objective = action.objective
        return (
            action.archived_at is not None,
            len(action.updates),
            action not in objective.actions,
            objective.actions[2].description,
            objective.actions[2].updates,
        )

    assert in_app(after) == (True, 1, True, following, [])
    assert len(report.archived_items) == 1
    assert dropped["description"][:40] in report.summary()
    assert "archived (has progress updates)" in report.summary()
    assert in_app(_counts)["Action"] == 56


def test_a_reload_that_drops_an_action_keeps_the_next_actions_progress_on_it(
    loaded_plan, plan_copy, in_app
):
    def record_progress() -> int:
        action = loaded_plan().working_groups[4].objectives[0].actions[3]
        service.record_update(action, "on_track", "Under way.", None)
        db.session.commit()
        return action.id

    action_id = in_app(record_progress)
    del plan_copy["working_groups"][4]["objectives"][0]["actions"][2]

    report = in_app(lambda: _load(plan_copy))

    def moved() -> tuple:
        action = db.session.get(Action, action_id)
        return action.position, action.status, action.archived_at

    assert in_app(moved) == (2, "on_track", None)
    assert report.removed == 1 and len(report.removed_items) == 1


def test_a_reload_without_an_action_removes_it_when_it_has_no_history(
    loaded_plan, plan_copy, in_app
):
    del plan_copy["working_groups"][4]["objectives"][0]["actions"][3]
    report = in_app(lambda: _load(plan_copy))
    assert report.removed == 1
    assert in_app(_counts)["Action"] == 55


def test_another_year_loads_from_the_same_format_in_json(tmp_path, in_app):
    path = tmp_path / "plan-2024-25.json"
    path.write_text(
        json.dumps(
            {
                "plan": "2024/25",
                "working_groups": [
                    {
                        "name": "Inclusive Employment",
                        "objectives": [
                            {
                                "number": 1,
                                "title": "Establish an OIEP HR Network",
                                "kpis": [{"name": "Number of HR network seminars held"}],
                                "actions": [
                                    {
                                        "description": "Hold four HR network seminars",
                                        "lead": "Emma Coles",
                                        "timescale": "April 2024-March 2025",
                                    }
                                ],
                            }
                        ],
                    }
                ],
            }
        )
    )

    report = in_app(lambda: _load(service.read_plan_file(path)))

    assert report.counts["actions"] == 1
    assert in_app(lambda: db.session.scalar(select(Plan.title))) == "Delivery Plan 2024/25"


def test_a_yaml_syntax_error_says_which_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("plan: 2023/24\nworking_groups:\n  - name: [unclosed\n")
    with pytest.raises(PlanFileInvalid) as refused:
        service.read_plan_file(path)
    assert refused.value.problems[0].startswith("line 4, column 1:")


def test_reloading_the_shipped_plan_keeps_a_target_staff_set(loaded_plan, plan_data, in_app):
    from brokerage.plan import kpis
    from brokerage.plan.models import Kpi

    def set_target() -> int:
        kpi = loaded_plan().working_groups[0].objectives[0].kpis[0]
        kpis.set_kpi_target(kpi, 100)
        db.session.commit()
        return kpi.id

    kpi_id = in_app(set_target)
    report = in_app(lambda: _load(service.read_plan_file(service.current_plan_file())))

    assert in_app(lambda: db.session.get(Kpi, kpi_id).target) == 100
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
