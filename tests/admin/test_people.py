from urllib.parse import quote

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from tests import factories
from tests.helpers.web import post_form

ADMIN_PAGES = ["/admin/people", "/admin/organisations"]


@pytest.mark.parametrize("page", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
def test_only_staff_may_open_the_admin_pages(request, role, page):
    client = request.getfixturevalue(role)
    assert client.get(page).status_code == 403


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(anon, page):
    response = anon.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_staff_see_everyone_and_can_search_by_name_or_email(staff, create):
    create(factories.UserFactory, name="Emma Example", email="emma@example.org")
    create(factories.UserFactory, name="Clayton Sample", email="clayton@example.org")
    everyone = staff.get("/admin/people").get_data(as_text=True)
    assert "Emma Example" in everyone and "Clayton Sample" in everyone
    found = staff.get("/admin/people?q=EMMA").get_data(as_text=True)
    assert "Emma Example" in found and "Clayton Sample" not in found


SEARCHED = {
    "Percy 100% Local": "percy@example.org",
    "Una Under_score": "una.y_1@example.org",
    "Plain Person": "plain.y21@example.org",
}


@pytest.mark.parametrize(
    ("typed", "only"),
    [("%", "Percy 100% Local"), ("_", "Una Under_score"), ("y_1", "Una Under_score")],
)
def test_a_percent_or_underscore_in_the_people_search_matches_only_itself(
    staff, create, typed, only
):
    for name, email in SEARCHED.items():
        create(factories.UserFactory, name=name, email=email)

    found = page_names(staff.get(f"/admin/people?q={quote(typed)}"))

    assert found == {only}


def page_names(response):
    """Which of the test's people the page lists."""
    html = response.get_data(as_text=True)
    return {name for name in SEARCHED if name in html}


def _roles(in_app, email):
    user = in_app(lambda: db.session.scalar(select(User).where(User.email == email)))
    return user.is_staff, user.is_task_force


def test_staff_grant_the_task_force_role(staff, create, in_app):
    person = create(factories.UserFactory)
    response = post_form(
        staff,
        f"/admin/people/{person.id}/roles",
        {f"u{person.id}-is_task_force": "y", f"u{person.id}-csrf_token": ""},
    )
    assert response.status_code == 302
    assert _roles(in_app, person.email) == (False, True)


def test_a_roles_change_without_the_csrf_token_changes_nothing(staff, create, in_app):
    person = create(factories.UserFactory)
    staff.post(f"/admin/people/{person.id}/roles", data={f"u{person.id}-is_staff": "y"})
    assert _roles(in_app, person.email) == (False, False)


def test_staff_cannot_remove_their_own_staff_role(staff, in_app):
    me = in_app(lambda: db.session.scalar(select(User).where(User.email == staff.user_email)))
    post_form(staff, f"/admin/people/{me.id}/roles", {})
    assert _roles(in_app, staff.user_email) == (True, False)


def test_a_supplier_cannot_change_anyones_roles(supplier, create, in_app):
    person = create(factories.UserFactory)
    response = post_form(
        supplier, f"/admin/people/{person.id}/roles", {f"u{person.id}-is_staff": "y"}
    )
    assert response.status_code == 403
    assert _roles(in_app, person.email) == (False, False)


def test_a_person_whose_staff_role_is_removed_loses_the_staff_pages_at_once(
    client_for, staff, in_app
):
    """The signed-in person is cached between requests; the change is a commit, which
    every cache sees on the next request."""
    colleague = client_for(staff=True)
    colleague_id = in_app(
        lambda: db.session.scalar(select(User.id).where(User.email == colleague.user_email))
    )
    assert colleague.get("/admin/people").status_code == 200
    assert colleague.get("/admin/people").status_code == 200  # from the cache

    post_form(staff, f"/admin/people/{colleague_id}/roles", {})

    assert _roles(in_app, colleague.user_email) == (False, False)
    assert colleague.get("/admin/people").status_code == 403
