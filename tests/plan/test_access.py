"""Who sees and changes the plan: staff everything; a lead staff have linked to an account
updates their own actions; everyone else sees the public pages only."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan.models import Action, ActionUpdate, PlanLead
from tests.helpers.pages import page_text
from tests.helpers.plan import action_id
from tests.helpers.web import csrf_token

INTERNAL_PAGES = [
    "/plan/",
    "/plan/actions",
    "/plan/actions/{id}",
    "/plan/mine",
    "/plan/actions/export.csv",
    "/plan/actions/export.xlsx",
]
STAFF_PAGES = ["/plan/leads", "/plan/leads/{lead}"]
PARENT_POWER = "Identify area in Oxfordshire to replicate Parent Power"
ARCH_FUNDRAISING = (
    "Fundraising – investigating and identifying possible funding sources for the ARCh "
    "expansion e.g. grants, Crowdfund"
)


@pytest.fixture
def ids(in_app, loaded_plan) -> dict[str, int]:
    def find() -> dict[str, int]:
        lead = db.session.scalar(select(PlanLead.id).where(PlanLead.name == "Emma Coles"))
        return {"id": action_id(PARENT_POWER), "lead": lead, "arch": action_id(ARCH_FUNDRAISING)}

    return in_app(find)


def _post_update(client, action: int, status: str = "done", note: str = "Area chosen."):
    page = f"/plan/actions/{action}"
    return client.post(
        f"{page}/updates",
        data={"csrf_token": csrf_token(client, "/login"), "status": status, "note": note},
    )


def _updates(in_app) -> int:
    return in_app(lambda: db.session.scalar(select(func.count(ActionUpdate.id))))


# Who sees the internal pages ------------------------------------------------------


@pytest.mark.parametrize("page", INTERNAL_PAGES + STAFF_PAGES)
def test_anonymous_visitors_are_sent_to_log_in_for_internal_pages(anon, ids, page):
    response = anon.get(page.format(**ids))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
@pytest.mark.parametrize("page", INTERNAL_PAGES + STAFF_PAGES)
def test_signed_in_people_who_lead_nothing_cannot_see_internal_pages(request, role, page, ids):
    client = request.getfixturevalue(role)
    assert client.get(page.format(**ids)).status_code == 403


@pytest.mark.parametrize("page", INTERNAL_PAGES)
def test_a_linked_lead_sees_the_internal_pages(lead_for, ids, page):
    clayton = lead_for("Clayton Lavallin", kind="supplier")
    assert clayton.get(page.format(**ids)).status_code == 200


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_linked_lead_cannot_link_leads_to_accounts(lead_for, ids, page):
    assert lead_for("Clayton Lavallin").get(page.format(**ids)).status_code == 403


@pytest.mark.parametrize("page", INTERNAL_PAGES + STAFF_PAGES)
def test_staff_see_every_internal_page(staff, ids, page):
    assert staff.get(page.format(**ids)).status_code == 200


def test_the_delivery_plan_link_shows_for_staff_and_linked_leads_only(
    staff, buyer, lead_for, anon, loaded_plan
):
    assert "Delivery plan" in page_text(staff.get("/"))
    assert "Delivery plan" in page_text(lead_for("Becky Chessyre").get("/"))
    assert "Delivery plan" not in page_text(buyer.get("/"))
    assert "Delivery plan" not in page_text(anon.get("/"))


def test_an_account_named_like_a_lead_is_not_linked_automatically(app, in_app, loaded_plan):
    from tests import factories
    from tests.helpers.web import log_in

    def make_emma() -> str:
        user = factories.UserFactory(name="Emma Coles", email="emma.coles@example.org")
        db.session.commit()
        return user.email

    client = log_in(app.test_client(), in_app(make_emma))
    assert client.get("/plan/").status_code == 403
    assert client.get("/plan/mine").status_code == 403


# My actions -----------------------------------------------------------------------


def test_my_actions_lists_the_leads_actions_overdue_first(lead_for, in_app, loaded_plan):
    clayton = lead_for("Clayton Lavallin")

    def finish_one() -> None:
        db.session.get(Action, action_id("Develop feasibility study for expansion")).status = "done"
        db.session.commit()

    in_app(finish_one)
    response = clayton.get("/plan/mine")
    text = page_text(response)

    # Clayton leads 4 Parent Power and 2 Growing Minds actions; all ended in 2023/24.
    assert "6 actions, 5 overdue" in text
    links = response.get_data(as_text=True).split('href="/plan/actions/')[1:]
    assert len(links) == 6
    assert "Develop feasibility study for expansion" in links[-1]
    assert "Emma Coles" not in text


def test_my_actions_covers_every_lead_linked_to_the_account(lead_for, loaded_plan):
    both = lead_for("Jeremy Long", "Cat Armstrong")
    text = page_text(both.get("/plan/mine"))
    assert "2 actions, 0 overdue" in text  # neither row gives a timescale
    assert "Presentations at events and organisations" in text
    assert "Promote and support the delivery of Community Employment Plans" in text


def test_staff_without_a_linked_lead_are_told_they_have_no_actions(staff, loaded_plan):
    assert "Your account is not linked to a lead of the plan" in page_text(staff.get("/plan/mine"))


# Posting updates ------------------------------------------------------------------


def test_a_linked_lead_posts_an_update_on_their_own_action(lead_for, ids, in_app):
    clayton = lead_for("Clayton Lavallin")
    assert "Post an update" in page_text(clayton.get(f"/plan/actions/{ids['id']}"))

    response = _post_update(clayton, ids["id"])

    assert response.status_code == 302
    assert in_app(lambda: db.session.get(Action, ids["id"]).status) == "done"
    assert in_app(lambda: db.session.get(Action, ids["id"]).updates[0].author.email) == (
        clayton.user_email
    )


def test_a_linked_lead_cannot_update_another_leads_action(lead_for, ids, in_app):
    clayton = lead_for("Clayton Lavallin")
    assert "Post an update" not in page_text(clayton.get(f"/plan/actions/{ids['arch']}"))

    assert _post_update(clayton, ids["arch"]).status_code == 403
    assert in_app(lambda: db.session.get(Action, ids["arch"]).status) == "not_started"
    assert _updates(in_app) == 0


def test_a_lead_shared_with_others_may_update_the_action(lead_for, in_app, loaded_plan):
    """'Clayton Lavallin/Fundraising WG': whoever is linked to the working group may update."""
    fundraising = lead_for("Fundraising WG")
    shared = in_app(lambda: action_id("Develop feasibility study for identified area"))
    wg_action = in_app(
        lambda: action_id("Fundraising – investigating and identifying possible funding sources")
    )
    assert _post_update(fundraising, wg_action, "on_track", "Bid drafted.").status_code == 302
    assert _post_update(fundraising, shared).status_code == 403


def test_unlinking_a_lead_takes_their_access_away(lead_for, staff, ids, in_app):
    clayton = lead_for("Clayton Lavallin")
    lead_id = in_app(
        lambda: db.session.scalar(select(PlanLead.id).where(PlanLead.name == "Clayton Lavallin"))
    )
    page = f"/plan/leads/{lead_id}"
    staff.post(page, data={"csrf_token": csrf_token(staff, page), "email": ""})

    assert clayton.get("/plan/").status_code == 403
    assert _post_update(clayton, ids["id"]).status_code == 403


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
def test_people_who_lead_nothing_cannot_post_updates(request, role, ids, in_app):
    response = _post_update(request.getfixturevalue(role), ids["id"])
    assert response.status_code == (302 if role == "anon" else 403)
    assert _updates(in_app) == 0


# Linking leads to accounts --------------------------------------------------------


def test_staff_see_every_lead_the_plan_names(staff, loaded_plan):
    text = page_text(staff.get("/plan/leads"))
    for name in ("Emma Coles", "Fundraising WG", "Jeremy Long", "Local Authority leads"):
        assert f"{name} Not linked" in text


def test_staff_link_a_lead_to_an_account_by_its_email(staff, client_for, ids, in_app):
    becky = client_for("supplier")
    page = f"/plan/leads/{ids['lead']}"
    response = staff.post(
        page, data={"csrf_token": csrf_token(staff, page), "email": becky.user_email.upper()}
    )

    assert response.status_code == 302
    assert "Emma Coles is now linked to" in page_text(staff.get("/plan/leads"))
    assert in_app(lambda: db.session.get(PlanLead, ids["lead"]).user.email) == becky.user_email
    assert becky.get("/plan/mine").status_code == 200


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@example.org", "No account uses nobody@example.org: ask them to register first."),
        ("not an email", "Enter an email address like name@example.org."),
        ("a\x00b@example.org", "invisible control characters"),
    ],
)
def test_linking_to_an_unknown_or_malformed_email_is_a_field_error(
    staff, ids, in_app, email, message
):
    page = f"/plan/leads/{ids['lead']}"
    response = staff.post(page, data={"csrf_token": csrf_token(staff, page), "email": email})

    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert message in page_text(response)
    assert in_app(lambda: db.session.get(PlanLead, ids["lead"]).user_id) is None


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier"])
def test_only_staff_link_leads(request, role, ids, in_app):
    client = request.getfixturevalue(role)
    response = client.post(
        f"/plan/leads/{ids['lead']}",
        data={"csrf_token": csrf_token(client, "/login"), "email": "x@example.org"},
    )
    assert response.status_code == (302 if role == "anon" else 403)
    assert in_app(lambda: db.session.get(PlanLead, ids["lead"]).user_id) is None
