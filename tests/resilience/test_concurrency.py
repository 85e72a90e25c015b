"""Two people saving the same thing at the same moment, on PostgreSQL with real concurrent
transactions: nothing is lost, and where both cannot win, the second gets a clear conflict
(409, and nothing of theirs half-saved), never a 500.

The matches workflow (issue 5) does not exist yet; its version-counter test belongs there."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.charter import pledges as pledge_service
from brokerage.charter import service as charter_service
from brokerage.charter.models import CheckInRecord
from brokerage.extensions import db
from brokerage.plan import service as plan_service
from brokerage.plan.models import Action, ActionUpdate, Plan
from tests.factories import UserFactory
from tests.helpers.app import postgres_only
from tests.helpers.charter import check_in_id, sign_up_details
from tests.helpers.web import csrf_token
from tests.resilience.concurrently import run_together

pytestmark = postgres_only


@pytest.fixture(scope="module")
def action_id(app) -> int:
    """An action of the real 2023/24 plan, loaded once into this package's database."""
    with app.app_context():
        if db.session.scalar(select(Plan)) is None:
            plan_service.load_plan(plan_service.read_plan_file(plan_service.current_plan_file()))
            db.session.commit()
        return db.session.scalar(select(Action.id).order_by(Action.id))


def _post(client, url: str, page: str, data: dict[str, str]):
    token = csrf_token(client, page)
    return lambda: client.post(url, data={"csrf_token": token, **data})


def test_two_updates_to_one_action_at_once_are_both_kept_and_its_status_is_the_latest(
    client_for, in_app, action_id
):
    page = f"/plan/actions/{action_id}"
    first, second = client_for(staff=True), client_for(staff=True)
    responses = run_together(
        _post(first, f"{page}/updates", page, {"status": "at_risk", "note": "Held up A"}),
        _post(second, f"{page}/updates", page, {"status": "on_track", "note": "Moving B"}),
    )
    assert [r.status_code for r in responses] == [302, 302]

    def stored():
        action = db.session.get(Action, action_id)
        notes = db.session.scalars(
            select(ActionUpdate)
            .where(ActionUpdate.action_id == action_id)
            .order_by(ActionUpdate.created_at.desc(), ActionUpdate.id.desc())
        ).all()
        return action.status, [(u.note, u.status) for u in notes]

    status, notes = in_app(stored)
    assert {"Held up A", "Moving B"} <= {note for note, _ in notes}
    assert status == notes[0][1]


@pytest.fixture
def baseline(app, create) -> tuple[int, int]:
    """A new approved signee's baseline check-in, never recorded: its id and the id of the
    one pledge the signee made."""
    approver = create(UserFactory, is_staff=True)
    with app.app_context():
        pledge_service.load_pledges()
        code_to_id = {p.code: p.id for p in pledge_service.current_pledges()}
        details = sign_up_details(
            {code_to_id["OCC-5"]: "Reading with ARCh."},
            organisation_name=f"Concurrent Bakery {approver.id}",
            contact_email=f"ada{approver.id}@bakery.example.org",
        )
        signee = charter_service.sign_up(details, date(2024, 1, 15)).signee
        charter_service.approve(signee, db.session.get(User, approver.id))
        db.session.commit()
        return check_in_id(signee.id, "baseline"), signee.signed_pledges[0].id


def _check_in_form(signed_id: int, narrative: str) -> dict[str, str]:
    fields = {"status": "in_progress", "figure": "", "unit": "", "support_needed": ""}
    return {
        "held_on": "2024-02-10",
        **{f"pledge-{signed_id}-{k}": v for k, v in fields.items()},
        f"pledge-{signed_id}-narrative": narrative,
    }


def _narratives(baseline_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(CheckInRecord.narrative).where(CheckInRecord.check_in_id == baseline_id)
        )
    )


def test_two_staff_recording_one_check_in_at_once_one_wins_and_the_other_gets_a_conflict(
    client_for, in_app, baseline
):
    baseline_id, signed_id = baseline
    page = f"/charter/check-ins/{baseline_id}"
    first, second = client_for(staff=True), client_for(staff=True)
    responses = run_together(
        _post(first, page, page, _check_in_form(signed_id, "Recorded by the first")),
        _post(second, page, page, _check_in_form(signed_id, "Recorded by the second")),
    )
    by_code = {r.status_code: r for r in responses}
    assert sorted(by_code) == [302, 409]
    assert "Someone else saved this at the same moment" in by_code[409].get_data(as_text=True)
    winner = "first" if responses[0].status_code == 302 else "second"
    assert in_app(lambda: _narratives(baseline_id)) == [f"Recorded by the {winner}"]


def test_two_staff_correcting_a_held_check_in_at_once_the_second_is_told(
    client_for, in_app, baseline
):
    baseline_id, signed_id = baseline
    page = f"/charter/check-ins/{baseline_id}"
    first, second = client_for(staff=True), client_for(staff=True)
    assert _post(first, page, page, _check_in_form(signed_id, "Recorded"))().status_code == 302
    responses = run_together(
        _post(first, page, page, _check_in_form(signed_id, "Corrected by the first")),
        _post(second, page, page, _check_in_form(signed_id, "Corrected by the second")),
    )
    assert sorted(r.status_code for r in responses) == [302, 409]
    winner = "first" if responses[0].status_code == 302 else "second"
    assert in_app(lambda: _narratives(baseline_id)) == [f"Corrected by the {winner}"]
