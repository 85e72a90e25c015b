"""Who may do what, for every route the app serves: one row per route and method, one
column per kind of user, generated against the URL map so that a new route cannot be
missed. Every refusal is also checked to have changed nothing in the database."""

from __future__ import annotations

import pytest

from tests.helpers import authorisation_matrix
from tests.helpers.authorisation_matrix import MATRIX
from tests.helpers.security import ROLES
from tests.security.routes import (
    judge,
    may_change_database,
    path_for,
    route_keys,
    send,
)


def test_every_route_the_app_serves_has_a_row_in_the_matrix(app):
    missing = sorted(
        f"{key:45} {rule.rule}" for key, rule in route_keys(app).items() if key not in MATRIX
    )
    assert not missing, (
        f"{len(missing)} route(s) have no row in MATRIX in {authorisation_matrix.__file__}. "
        "Add a row for each, "
        "saying what anon, supplier, buyer, beneficiary, other_supplier, member, task_force "
        "and staff (and their API tokens) should get:\n  " + "\n  ".join(missing)
    )


def test_every_row_of_the_matrix_is_a_route_the_app_serves(app):
    served = route_keys(app)
    assert [key for key in MATRIX if key not in served] == []


@pytest.mark.parametrize("route", sorted(MATRIX))
def test_each_kind_of_user_gets_the_expected_answer_and_refusals_change_nothing(
    route, app, security_world, security_client, isolated
):
    method, endpoint = route.split()
    if route not in route_keys(app):
        pytest.fail(f"{route} is in MATRIX but the app does not serve it")
    path = path_for(app, endpoint, security_world)
    wrong = []
    before = None  # every cell starts from the same state, so one snapshot of it serves all
    for role in ROLES:
        expected = MATRIX[route].by_role[role]
        with isolated(before) as database:
            before = database.before
            response = send(security_client(role), method, path, endpoint, security_world, role)
            problem = judge(response, expected, path)
            may_change = may_change_database(method, expected)
            changes = [] if may_change else database.changes()
        if problem is None and changes:
            problem = f"answered {response.status_code} but changed {', '.join(changes)}"
        if problem:
            wrong.append(f"{role:15} {problem}")
    assert not wrong, f"{method} {path}:\n  " + "\n  ".join(wrong)


def test_the_matrix_covers_each_kind_of_user(app):
    """The numbers for the issue's closing note."""
    assert len(ROLES) == 16
    assert all(set(row.by_role) == set(ROLES) for row in MATRIX.values())


def test_a_plan_lead_may_update_their_own_action_but_not_anothers(
    app, security_world, security_client, isolated
):
    note = {"csrf_token": security_world.csrf["member"], "status": "at_risk", "note": "Slipping."}
    answers = {}
    for action_id in (security_world.led_action_id, security_world.action_id):
        with isolated() as database:
            response = security_client("member").post(
                f"/plan/actions/{action_id}/updates", data=note
            )
            answers[action_id] = (response.status_code, set(database.changes()))

    # The commit also gives the plan topic a new version (what caches of the plan are keyed by).
    assert answers[security_world.led_action_id] == (
        302,
        {"plan_actions", "plan_action_updates", "topic_versions"},
    )
    assert answers[security_world.action_id] == (403, set())
