"""Projects: cost lines and totals, funding secured against what is needed, the actions that
raise it, and staff adding funding sources."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import FundingSource, Project
from brokerage.plan.spec import PlanFileInvalid
from tests.helpers.pages import page_text
from tests.helpers.web import csrf_token

ARCH = "Assisted Reading for Children (ARCh) expansion"


@pytest.fixture
def ids(loaded_plan, in_app) -> dict[str, int]:
    def find() -> dict[str, int]:
        projects = db.session.scalars(select(Project).order_by(Project.position)).all()
        return {"arch": projects[0].id, "parent_power": projects[3].id}

    return in_app(find)


def _add(client, project: int, **data):
    page = f"/plan/projects/{project}"
    return client.post(f"{page}/funding", data={"csrf_token": csrf_token(client, page), **data})


def _sources(in_app) -> list[tuple]:
    return in_app(
        lambda: [
            (s.project.name, s.source, s.amount_pence, s.secured)
            for s in db.session.scalars(select(FundingSource).order_by(FundingSource.id))
        ]
    )


def test_the_projects_page_shows_each_projects_needs_and_funding(staff, ids):
    text = page_text(staff.get("/plan/projects"))
    for name, total in [
        (ARCH, "£91,120"),
        ("Growing Minds – antenatal provision", "£9,062"),
        ("Growing Minds – scaling to the Leys", "£76,003"),
        ("Parent Power", "£79,120"),
    ]:
        assert f"{name} Educational Attainment" in text
        assert re.search(rf"Needed (\(total [a-z ]+\) )?{total}", text)
    assert text.count("Secured £0") == 4
    assert "3 cost lines · 0 funding sources · 1 fundraising action" in text


def test_a_project_page_shows_its_cost_lines_and_the_actions_raising_its_funds(staff, ids):
    text = page_text(staff.get(f"/plan/projects/{ids['arch']}"))
    assert "Volunteer Recruitment Officer Suggested salary £12,000" in text
    assert "Total £91,120" in text
    assert (
        "Fundraising – investigating and identifying possible funding sources for the ARCh "
        "expansion e.g. grants, Crowdfund · Emma Coles · April 2023-October 2024"
    ) in text
    assert "No funding recorded yet." in text


def test_staff_add_funding_and_secured_is_set_against_what_is_needed(staff, ids, in_app):
    page = f"/plan/projects/{ids['arch']}"
    assert (
        _add(staff, ids["arch"], source="Trust grant", amount="£40,000", secured="y").status_code
        == 302
    )
    _add(staff, ids["arch"], source="Crowdfunder", amount="1234.50")

    text = page_text(staff.get(page))
    assert "Funding from Crowdfunder is recorded." in text
    assert "Secured £40,000 Applied for or promised £1,234.50 Still to find £51,120" in text
    assert "Secured: 44% of what is needed" in text
    assert "Trust grant £40,000 Secured" in text
    assert _sources(in_app) == [
        (ARCH, "Trust grant", 4_000_000, True),
        (ARCH, "Crowdfunder", 123_450, False),
    ]


def test_staff_remove_a_funding_source(staff, ids, in_app):
    _add(staff, ids["arch"], source="Trust grant", amount="£40,000", secured="y")
    source = in_app(lambda: db.session.scalar(select(FundingSource.id)))
    page = f"/plan/projects/{ids['arch']}"

    wrong = staff.post(
        f"/plan/projects/{ids['parent_power']}/funding/{source}/delete",
        data={"csrf_token": csrf_token(staff, page)},
    )
    assert wrong.status_code == 404
    response = staff.post(
        f"{page}/funding/{source}/delete", data={"csrf_token": csrf_token(staff, page)}
    )
    assert response.status_code == 302
    assert _sources(in_app) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source": "", "amount": "£100"}, "source", "Say where the money comes from."),
        ({"source": "A\nB", "amount": "£100"}, "source", "Names must fit on one line."),
        ({"source": "Grant", "amount": ""}, "amount", "Enter the amount."),
        ({"source": "Grant", "amount": "lots"}, "amount", "Enter an amount in pounds"),
        ({"source": "Grant", "amount": "-5"}, "amount", "Enter an amount in pounds"),
        ({"source": "Grant", "amount": "£1.234"}, "amount", "Enter an amount in pounds"),
        ({"source": "Grant", "amount": "0"}, "amount", "from £0.01 to £100,000,000"),
        ({"source": "Grant", "amount": "£100,000,001"}, "amount", "from £0.01"),
    ],
)
def test_bad_funding_re_renders_with_field_errors_and_saves_nothing(
    staff, ids, in_app, data, field, message
):
    response = _add(staff, ids["arch"], **data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert message in page_text(response)
    assert _sources(in_app) == []


def test_a_reload_of_the_plan_keeps_the_funding_staff_added(staff, ids, plan_data, in_app):
    _add(staff, ids["arch"], source="Trust grant", amount="£40,000", secured="y")

    def reload() -> service.LoadReport:
        report = service.load_plan(plan_data)
        db.session.commit()
        return report

    report = in_app(reload)
    assert (report.created, report.updated, report.removed) == (0, 0, 0)
    assert _sources(in_app) == [(ARCH, "Trust grant", 4_000_000, True)]


def test_a_fundraising_action_the_objective_lacks_is_refused(plan_copy, in_app):
    plan_copy["projects"][0]["fundraising_actions"] = [3]
    with pytest.raises(PlanFileInvalid) as refused:
        in_app(lambda: service.load_plan(plan_copy))
    assert refused.value.problems == [
        "projects[0].fundraising_actions[0]: objective 1 has no action 3"
    ]


def test_a_linked_lead_sees_projects_but_cannot_change_funding(lead_for, ids, in_app):
    emma = lead_for("Emma Coles")
    assert emma.get("/plan/projects").status_code == 200
    assert "Add a funding source" not in page_text(emma.get(f"/plan/projects/{ids['arch']}"))
    assert _add(emma, ids["arch"], source="Me", amount="£1").status_code == 403
    assert _sources(in_app) == []


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
def test_people_who_lead_nothing_cannot_see_projects_or_add_funding(request, role, ids, in_app):
    client = request.getfixturevalue(role)
    expected = 302 if role == "anon" else 403
    assert client.get("/plan/projects").status_code == expected
    assert client.get(f"/plan/projects/{ids['arch']}").status_code == expected
    response = client.post(
        f"/plan/projects/{ids['arch']}/funding",
        data={"csrf_token": csrf_token(client, "/login"), "source": "X", "amount": "£1"},
    )
    assert response.status_code == expected
    assert in_app(lambda: db.session.scalar(select(func.count(FundingSource.id)))) == 0
