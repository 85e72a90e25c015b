"""Every list of matches shows each match's stage in words and filters by stage: an
organisation's list for the supplier, the buyer and the beneficiary, every match for the
task force and staff, and the cards of "for you" pages; an unknown stage is a field error."""

from __future__ import annotations

import re

import pytest

from brokerage.workflow.delivery import (
    DeliveryReport,
    confirm_delivery,
    dispute_delivery,
    record_delivery,
)
from brokerage.workflow.states import Stage, State, stage_of
from tests.helpers.web import log_in
from tests.helpers.workflow import report_for_today, set_state, today


def _report() -> DeliveryReport:
    return report_for_today("OIEP-S1", 3, "Register")


def _disputed_and_confirmed(pair) -> None:
    """The need match disputed by the beneficiary; the opportunity match confirmed."""
    need, opportunity = pair.match("need"), pair.match("opportunity")
    for match in (need, opportunity):
        set_state(match, State.AGREED)
        record_delivery(match, pair.user("supplier"), _report(), today(), None)
    dispute_delivery(need, pair.user("beneficiary"), "Nobody came.", None)
    confirm_delivery(opportunity, pair.user("buyer"), 5, "")


def _page(pair, who: str, path: str):
    return log_in(pair.app.test_client(), f"{who}@example.org").get(path)


def _organisation_id(pair, who: str) -> int:
    with pair.app.app_context():
        return pair.user(who).memberships[0].organisation_id


def _stages_listed(html: str) -> list[str]:
    """The stage badges of the table's rows, top to bottom."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'class="badge stage-badge[^"]*">([^<]+)<', body)


def test_the_suppliers_list_shows_each_stage_in_words_and_filters_by_it(pair, in_pair):
    in_pair(_disputed_and_confirmed)
    path = f"/matching/organisations/{_organisation_id(pair, 'supplier')}/matches"

    everything = _page(pair, "supplier", path).get_data(as_text=True)
    disputed = _page(pair, "supplier", f"{path}?stage=disputed").get_data(as_text=True)
    confirmed = _page(pair, "supplier", f"{path}?stage=confirmed").get_data(as_text=True)
    agreed = _page(pair, "supplier", f"{path}?stage=agreed").get_data(as_text=True)

    assert sorted(_stages_listed(everything)) == ["Confirmed", "Disputed"]
    assert "Disputed (1)" in everything and "Confirmed (1)" in everything
    assert _stages_listed(disputed) == ["Disputed"] and "Reading helpers for schools" in disputed
    assert _stages_listed(confirmed) == ["Confirmed"] and "Print services" in confirmed
    assert "No match is agreed now." in agreed


@pytest.mark.parametrize(
    ("who", "listed", "not_listed"),
    [
        ("buyer", "Print services", "Reading helpers for schools"),
        ("beneficiary", "Reading helpers for schools", "Print services"),
    ],
)
def test_the_buyer_and_the_beneficiary_see_their_own_matches_by_stage(
    pair, in_pair, who, listed, not_listed
):
    in_pair(_disputed_and_confirmed)
    path = f"/matching/organisations/{_organisation_id(pair, who)}/matches"

    html = _page(pair, who, path).get_data(as_text=True)

    assert listed in html and not_listed not in html
    assert len(_stages_listed(html)) == 1


def test_staff_see_every_match_filtered_by_stage(pair, in_pair):
    in_pair(_disputed_and_confirmed)

    html = _page(pair, "staff", "/matching/matches?stage=confirmed").get_data(as_text=True)

    assert _stages_listed(html) == ["Confirmed"] and "Print services" in html


@pytest.mark.parametrize("who", ["supplier", "beneficiary", "buyer", "outsider"])
def test_only_the_task_force_and_staff_see_every_match(pair, who):
    assert _page(pair, who, "/matching/matches").status_code == 403


def test_another_organisations_list_does_not_exist_for_an_outsider(pair):
    path = f"/matching/organisations/{_organisation_id(pair, 'supplier')}/matches"

    assert _page(pair, "outsider", path).status_code == 404


@pytest.mark.parametrize("stage", ["nonsense", "DELIVERED", "<b>"])
def test_an_unknown_stage_is_a_field_error_not_an_error_page(pair, stage):
    response = _page(pair, "task_force", f"/matching/matches?stage={stage}")

    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_a_for_you_card_and_the_match_page_show_the_stage_in_words(pair, in_pair):
    in_pair(_disputed_and_confirmed)
    beneficiary = _organisation_id(pair, "beneficiary")

    cards = _page(pair, "beneficiary", f"/matching/organisations/{beneficiary}/offers-for-you")
    match_page = _page(pair, "beneficiary", f"/matches/{pair.need_match}")

    assert "Stage: " in cards.get_data(as_text=True)
    assert ">Disputed<" in cards.get_data(as_text=True)
    assert ">Disputed<" in match_page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("state", "confirmed", "last_reason", "words"),
    [
        (State.SUGGESTED, False, None, "Suggested"),
        (State.INTEREST_EXPRESSED, False, None, "Interest expressed"),
        (State.IN_DISCUSSION, False, None, "In discussion"),
        (State.AGREED, False, None, "Agreed"),
        (State.AGREED, False, "disputed", "Disputed"),
        (State.DELIVERED, False, None, "Delivered"),
        (State.DELIVERED, True, None, "Confirmed"),
        (State.VERIFIED, True, None, "Verified"),
        (State.DECLINED, False, "too_far", "Declined"),
    ],
)
def test_each_stage_reads_as_words(state, confirmed, last_reason, words):
    assert stage_of(state, confirmed, last_reason).label == words


def test_every_state_has_its_stage():
    assert {state.value for state in State} <= {stage.value for stage in Stage}
