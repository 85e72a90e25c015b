"""The home page is a task list: what waits for the signed-in person, each with its count."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from brokerage.extensions import db
from brokerage.home.tasks import tasks_for
from brokerage.workflow.delivery import DeliveryReport, dispute_delivery, record_delivery
from brokerage.workflow.moves import advance, send_message
from brokerage.workflow.states import State
from tests.helpers.app import counted_statements
from tests.helpers.web import log_in
from tests.helpers.workflow import set_state, today


def _delivered(pair) -> None:
    match = pair.match()
    set_state(match, State.AGREED)
    report = DeliveryReport(
        delivered_from=today(),
        delivered_to=today(),
        quantities={"OIEP-S1": Decimal(12)},
        evidence="Timesheets.",
    )
    record_delivery(match, pair.user("supplier"), report, today(), None)


def _home(pair, who: str) -> str:
    client = log_in(pair.app.test_client(), f"{who}@example.org")
    return client.get("/").get_data(as_text=True)


def test_the_beneficiary_sees_the_delivery_waiting_for_its_confirmation(pair, in_pair):
    in_pair(_delivered)
    page = _home(pair, "beneficiary")
    assert "Deliveries to confirm" in page
    assert f'href="/matches/{pair.need_match}"' in page


def test_the_task_force_sees_outcomes_to_verify_and_is_not_told_to_set_up_an_organisation(
    pair, in_pair
):
    in_pair(_delivered)
    page = _home(pair, "task_force")
    assert "Outcomes to verify" in page
    assert 'href="/review/"' in page
    assert "Set up your organisation" not in page


def test_the_supplier_does_not_confirm_its_own_delivery(pair, in_pair):
    in_pair(_delivered)
    assert "Deliveries to confirm" not in _home(pair, "supplier")


def test_the_supplier_sees_a_disputed_delivery_to_record_again(pair, in_pair):
    def disputed(p) -> None:
        _delivered(p)
        dispute_delivery(p.match(), p.user("beneficiary"), "Nobody came.", None)

    in_pair(disputed)
    page = _home(pair, "supplier")
    assert "Disputed deliveries to record again" in page
    assert f'href="/matches/{pair.need_match}"' in page
    assert "Disputed deliveries to record again" not in _home(pair, "beneficiary")


def test_interest_expressed_by_the_supplier_reaches_the_beneficiary_not_the_supplier(pair, in_pair):
    in_pair(lambda p: advance(p.match(), State.INTEREST_EXPRESSED, p.user("supplier")))
    assert "Interest received" in _home(pair, "beneficiary")
    assert "Interest received" not in _home(pair, "supplier")


def test_a_reply_is_owed_by_the_side_that_received_the_last_message(pair, in_pair):
    def discuss(p) -> None:
        set_state(p.match(), State.IN_DISCUSSION)
        send_message(p.match(), p.user("beneficiary"), "Could you start in January?")

    in_pair(discuss)
    assert "Replies owed" in _home(pair, "supplier")
    assert "Replies owed" not in _home(pair, "beneficiary")


def test_drafts_not_yet_published_are_counted_for_their_organisation(pair, in_pair):
    def unpublish(p) -> None:
        p.match().offer.status = "draft"
        db.session.flush()

    in_pair(unpublish)
    assert "Drafts not yet published" in _home(pair, "supplier")
    assert "Drafts not yet published" not in _home(pair, "beneficiary")


def test_a_supplier_with_nothing_waiting_is_told_to_publish_an_offer(pair):
    page = _home(pair, "outsider")
    assert "Nothing waits for you now" in page
    assert "add an offer" in page


@pytest.mark.parametrize(
    ("who", "link"),
    [
        ("buyer", r'/organisations/\d+/opportunities">your opportunities and the suppliers'),
        ("beneficiary", r'/matching/organisations/\d+/offers-for-you">the offers suggested'),
    ],
)
def test_a_buyer_or_beneficiary_with_nothing_waiting_is_led_to_its_matches(pair, who, link):
    page = _home(pair, who)
    assert "Nothing waits for you now" in page
    assert re.search(f'<a href="{link}', page), page


def test_the_task_list_takes_one_query_per_kind_of_task_however_many_items(pair, in_pair):
    def counted(p) -> int:
        staff = p.user("staff")
        with counted_statements() as statements:
            tasks_for(staff, today())
        return len(statements)

    before = in_pair(counted)
    in_pair(_delivered)
    assert in_pair(counted) == before
    # Staff act for no organisation: their memberships, then the four kinds staff see.
    assert before == 5
