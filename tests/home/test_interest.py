"""A supplier expresses interest from an opportunity's page, and offers help from a need's,
through the workflow: the pair's match is found or made and moved on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.notifications.models import Notification
from brokerage.workflow.states import State
from tests.helpers.web import csrf_token, log_in
from tests.helpers.workflow import published_listing, today


def _client(pair, who: str):
    return log_in(pair.app.test_client(), f"{who}@example.org")


def _post(client, url: str, data: dict):
    return client.post(url, data={"csrf_token": csrf_token(client, url), **data})


def test_a_supplier_expresses_interest_from_the_opportunity_page(pair, in_pair):
    opportunity_id, offer_id = in_pair(
        lambda p: (p.match("opportunity").opportunity_id, p.match("opportunity").offer_id)
    )
    supplier = _client(pair, "supplier")
    show = supplier.get(f"/opportunities/{opportunity_id}").get_data(as_text=True)
    assert f'href="/opportunities/{opportunity_id}/interest"' in show

    response = _post(supplier, f"/opportunities/{opportunity_id}/interest", {"offer_id": offer_id})

    assert response.headers["Location"] == f"/matches/{pair.opportunity_match}"
    assert in_pair(lambda p: p.match("opportunity").state) == State.INTEREST_EXPRESSED
    buyer_id = pair.users["buyer"]
    told = in_pair(
        lambda p: db.session.scalar(
            select(func.count(Notification.id)).where(Notification.user_id == buyer_id)
        )
    )
    assert told >= 1


def test_offering_help_with_a_need_no_match_suggested_makes_one(pair, in_pair):
    def new_need(p) -> tuple[int, int]:
        need = published_listing(p.match().need.organisation, "need", "Laptops for homework club")
        return need.id, p.match().offer_id

    need_id, offer_id = in_pair(new_need)
    response = _post(_client(pair, "supplier"), f"/needs/{need_id}/help", {"offer_id": offer_id})

    assert response.status_code == 302
    match = in_pair(
        lambda p: db.session.scalar(select(Match).where(Match.need_id == need_id)).state
    )
    assert match == State.INTEREST_EXPRESSED


def test_a_supplier_with_no_published_offer_is_told_to_publish_one_first(pair, in_pair):
    opportunity_id = in_pair(lambda p: p.match("opportunity").opportunity_id)
    html = _client(pair, "outsider").get(f"/opportunities/{opportunity_id}/interest")

    text = html.get_data(as_text=True)
    assert "Publish a social value offer first" in text
    assert "/offers/new" in text


def test_an_offer_not_theirs_gets_a_field_error_and_nothing_moves(pair, in_pair):
    opportunity_id = in_pair(lambda p: p.match("opportunity").opportunity_id)
    response = _post(
        _client(pair, "supplier"), f"/opportunities/{opportunity_id}/interest", {"offer_id": 999}
    )

    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert in_pair(lambda p: p.match("opportunity").state) == State.SUGGESTED


def test_a_buyer_cannot_express_interest_and_sees_no_button(pair, in_pair):
    opportunity_id = in_pair(lambda p: p.match("opportunity").opportunity_id)
    buyer = _client(pair, "buyer")

    assert buyer.get(f"/opportunities/{opportunity_id}/interest").status_code == 403
    assert "I&#39;m interested" not in buyer.get(f"/opportunities/{opportunity_id}").get_data(
        as_text=True
    )


def test_offering_help_with_a_need_past_its_deadline_is_refused_with_a_reason(pair, in_pair):
    def close(p) -> tuple[int, int]:
        p.match("need").need.deadline = today() - timedelta(days=1)
        return p.match("need").need_id, p.match("need").offer_id

    need_id, offer_id = in_pair(close)
    client = _client(pair, "supplier")
    response = _post(client, f"/needs/{need_id}/help", {"offer_id": offer_id})

    assert response.status_code == 400
    assert "closed: its deadline has passed" in response.get_data(as_text=True)
    # The need's suggestions may already be gone (a closed need leaves the rankings when its
    # listing's change is recomputed); none was moved on by the refused offer of help.
    assert in_pair(lambda p: getattr(p.match("need"), "state", None)) in (None, State.SUGGESTED)
