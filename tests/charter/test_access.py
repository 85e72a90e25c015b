"""Who may open each charter page, by role: the public pages for everyone, the signee's
page and its check-ins for its own members and staff (404 for everyone else), the rest
for staff only.
Refused changes change nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from brokerage.charter.models import (
    BuddyIntroduction,
    CheckInRecord,
    PledgeVersion,
    Signee,
    Term,
)
from brokerage.extensions import db
from tests.helpers.charter import ROLES, check_in_id, post
from tests.helpers.pages import page_text, visible_text

LOGIN = "login"
# (method, path, form data); {signee}, {check_in}, {pledge} are filled from the world.
ENDPOINTS = {
    "public page": ("GET", "/charter/", None),
    "sign-up form": ("GET", "/charter/sign-up", None),
    "signee page": ("GET", "/charter/signees/{signee}", None),
    "queue": ("GET", "/charter/queue", None),
    "signees": ("GET", "/charter/signees", None),
    "check-ins due": ("GET", "/charter/check-ins", None),
    "check-in form": ("GET", "/charter/check-ins/{check_in}", None),
    "pledges": ("GET", "/charter/pledges", None),
    "pledge form": ("GET", "/charter/pledges/{pledge}/edit", None),
    "report": ("GET", "/charter/report", None),
    "report CSV": ("GET", "/charter/report.csv", None),
    "approve": ("POST", "/charter/signees/{signee}/approve", {}),
    "decline": ("POST", "/charter/signees/{signee}/decline", {}),
    "renew": ("POST", "/charter/signees/{signee}/renew", {}),
    "introduce": ("POST", "/charter/signees/{signee}/introductions", {"introduced_on": "x"}),
    "record check-in": ("POST", "/charter/check-ins/{check_in}", {"held_on": "2024-02-01"}),
    "edit pledge": ("POST", "/charter/pledges/{pledge}/edit", {"title": "Hijacked"}),
}
STAFF_ONLY = (LOGIN, 403, 403, 403, 403)
# Columns follow ROLES: anon, member (of the signee's organisation), buyer and supplier (of
# other organisations), task force, staff. Staff's POSTs here are let in, then refused by
# the rules or the form (nothing waiting, too early to renew, incomplete forms), except the
# pledge edit, whose unsent fields keep the version's wording.
EXPECTED = {
    "public page": (200, 200, 200, 200, 200, 200),
    "sign-up form": (200, 200, 200, 200, 200, 200),
    "signee page": (LOGIN, 200, 404, 404, 404, 200),
    "queue": (*STAFF_ONLY, 200),
    "signees": (*STAFF_ONLY, 200),
    "check-ins due": (*STAFF_ONLY, 200),
    "check-in form": (LOGIN, 200, 404, 404, 404, 200),
    "pledges": (*STAFF_ONLY, 200),
    "pledge form": (*STAFF_ONLY, 200),
    "report": (*STAFF_ONLY, 200),
    "report CSV": (*STAFF_ONLY, 200),
    "approve": (*STAFF_ONLY, 302),
    "decline": (*STAFF_ONLY, 302),
    "renew": (*STAFF_ONLY, 302),
    "introduce": (*STAFF_ONLY, 400),
    "record check-in": (LOGIN, 400, 404, 404, 404, 400),
    "edit pledge": (*STAFF_ONLY, 302),
}
CASES = [
    pytest.param(name, role, EXPECTED[name][i], id=f"{name}-{role}")
    for name in ENDPOINTS
    for i, role in enumerate(ROLES)
]


def _sends_to_login(response, path: str) -> bool:
    if response.status_code != 302:
        return False
    location = urlsplit(response.headers["Location"])
    return location.path == "/login" and parse_qs(location.query) == {"next": [path]}


def _snapshot() -> tuple:
    """Everything a refused request could have changed."""
    counts = tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Term, CheckInRecord, PledgeVersion, BuddyIntroduction)
    )
    return counts, tuple(db.session.scalars(select(Signee.status).order_by(Signee.id)))


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_each_role_gets_what_it_may_on_each_charter_page(
    charter_client, charter_world, pledge_ids, in_app, name, role, expected
):
    method, template, data = ENDPOINTS[name]
    path = template.format(
        signee=charter_world.signee_id,
        check_in=in_app(lambda: check_in_id(charter_world.signee_id, "baseline")),
        pledge=pledge_ids["OCC-5"],
    )
    client = charter_client(role)
    before = in_app(_snapshot)

    response = client.get(path) if method == "GET" else post(client, path, data)

    if expected == LOGIN:
        assert _sends_to_login(response, path), response.status_code
    else:
        assert response.status_code == expected
    if method == "POST" and role != "staff":
        assert in_app(_snapshot) == before


def test_a_member_sees_their_charter_page_but_no_staff_controls(
    charter_client, charter_world, in_app
):
    html = (
        charter_client("member")
        .get(f"/charter/signees/{charter_world.signee_id}")
        .get_data(as_text=True)
    )

    assert "Cowley Bakery" in visible_text(html)
    baseline = in_app(lambda: check_in_id(charter_world.signee_id, "baseline"))
    assert f'href="/charter/check-ins/{baseline}"' in html
    assert "/renew" not in html
    assert "Record an introduction" not in html
    assert "Sign-up queue" not in html


def test_a_member_cannot_see_another_signees_page(charter_client, charter_world, make_signee):
    other = make_signee(("OCC-1",), organisation_name="Headington Deli")

    assert charter_client("member").get(f"/charter/signees/{other}").status_code == 404


def test_an_unknown_signee_or_check_in_is_not_found(staff, charter_world):
    assert staff.get("/charter/signees/999999").status_code == 404
    assert staff.get("/charter/check-ins/999999").status_code == 404
    assert staff.get("/charter/pledges/999999/edit").status_code == 404


def test_everyone_sees_the_charter_link_and_only_staff_the_staff_tabs(
    charter_client, charter_world
):
    for role in ROLES:
        text = page_text(charter_client(role).get("/charter/"))
        assert "Charter" in text
        assert ("Sign-up queue" in text) is (role == "staff"), role
