"""Only staff see the board report: it shows the brokerage's and the charter's figures,
which the plan's linked leads and the other roles do not see."""

from __future__ import annotations

import pytest

from tests.helpers.pages import page_text

PAGES = ["/plan/report?quarter=2024Q1", "/plan/report.xlsx?quarter=2024Q1"]


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_sent_to_log_in(anon, page):
    response = anon.get(page)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
@pytest.mark.parametrize("page", PAGES + ["/plan/report.pdf?quarter=2024Q1"])
def test_other_roles_are_refused(request, role, page):
    assert request.getfixturevalue(role).get(page).status_code == 403


def test_a_linked_plan_lead_is_refused(lead_for):
    lead = lead_for("Emma Coles")
    assert lead.get("/plan/").status_code == 200
    assert lead.get("/plan/report?quarter=2024Q1").status_code == 403


def test_staff_see_the_report(staff, loaded_plan):
    response = staff.get("/plan/report?quarter=2024Q1")
    assert response.status_code == 200
    assert "Oxfordshire Inclusive Economy Partnership Delivery Plan 2023/24" in page_text(response)


def test_only_staff_find_the_report_in_the_plans_menu(staff, lead_for):
    lead = lead_for("Emma Coles")
    link = 'href="/plan/report">Board report</a>'
    assert link in staff.get("/plan/").get_data(as_text=True)
    assert link not in lead.get("/plan/").get_data(as_text=True)
