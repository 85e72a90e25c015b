"""Freshness: matches expire with their listings' dates, and quiet matches nudge the side
that owes an answer, then the staff, once per quiet spell however often the job runs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from brokerage.extensions import db
from brokerage.notifications.models import Notification
from brokerage.types import utcnow
from brokerage.workflow.freshness import NUDGE_AFTER_DAYS, keep_fresh
from brokerage.workflow.models import MatchEvent
from brokerage.workflow.moves import advance, send_message
from brokerage.workflow.states import State
from tests.helpers.workflow import set_state, today


def _told(pair, who: str) -> list[str]:
    with pair.app.app_context():
        return db.session.scalars(
            select(Notification.subject)
            .where(Notification.user_id == pair.users[who])
            .order_by(Notification.id)
        ).all()


def _run(in_pair, days_later: float = 0):
    return in_pair(lambda pair: keep_fresh(utcnow() + timedelta(days=days_later)))


def _arrange_before_the_date_passed(in_pair, monkeypatch, arrange) -> None:
    """A listing's date passes with nothing written, but a test writes the past date: the
    recompute that write sets off runs as of two days ago, while the listing was still open,
    so what the daily job finds is what it would find in life."""
    two_days_ago = today() - timedelta(days=2)
    with monkeypatch.context() as patched:
        patched.setattr("brokerage.listings.service.today", lambda: two_days_ago)
        in_pair(arrange)


def test_a_need_past_its_deadline_expires_its_open_matches_only(pair, in_pair):
    def arrange(pair):
        set_state(pair.match("need"), State.INTEREST_EXPRESSED)
        pair.match("need").need.deadline = today() - timedelta(days=1)

    in_pair(arrange)

    report = _run(in_pair)

    assert report.expired == 1
    with pair.app.app_context():
        assert pair.match("need").state == "expired"
        assert pair.match("opportunity").state == "suggested"
        event = db.session.scalars(select(MatchEvent)).one()
    assert (event.by_person, event.actor_id, event.from_state, event.to_state) == (
        False,
        None,
        "interest_expressed",
        "expired",
    )
    assert "deadline was" in event.note
    assert any("now “Expired”" in subject for subject in _told(pair, "supplier"))


def test_an_offer_past_its_availability_expires_every_open_match_but_not_agreed_ones(
    pair, in_pair, monkeypatch
):
    def arrange(pair):
        set_state(pair.match("opportunity"), State.AGREED)
        offer = pair.match("need").offer
        offer.available_from = today() - timedelta(days=30)
        offer.available_to = today() - timedelta(days=1)

    _arrange_before_the_date_passed(in_pair, monkeypatch, arrange)

    assert _run(in_pair).expired == 1
    assert _run(in_pair).expired == 0  # nothing is expired twice
    with pair.app.app_context():
        assert pair.match("need").state == "expired"
        assert pair.match("opportunity").state == "agreed"


def test_a_listing_due_today_is_not_expired_yet(pair, in_pair):
    in_pair(lambda pair: setattr(pair.match("need").need, "deadline", today()))

    assert _run(in_pair).expired == 0


def test_a_quiet_match_nudges_the_side_that_has_not_answered_once(pair, in_pair):
    in_pair(
        lambda p: advance(p.match(), State.INTEREST_EXPRESSED, p.user("beneficiary"), note="Hi")
    )
    before = len(_told(pair, "beneficiary"))

    too_soon = _run(in_pair, NUDGE_AFTER_DAYS - 0.5)
    first = _run(in_pair, NUDGE_AFTER_DAYS + 0.5)
    again = _run(in_pair, NUDGE_AFTER_DAYS + 1)

    assert (too_soon.nudged, first.nudged, again.nudged) == (0, 1, 0)
    assert (first.escalated, again.escalated) == (0, 0)
    assert [s for s in _told(pair, "supplier") if "waiting for your answer" in s] == [
        "The match of Reading volunteers with Reading helpers for schools is waiting for "
        "your answer"
    ]
    assert len(_told(pair, "beneficiary")) == before  # they asked; they owe nothing
    assert _told(pair, "staff") == []


def test_after_twice_the_days_the_staff_hear_of_it_once(pair, in_pair):
    in_pair(lambda p: set_state(p.match(), State.IN_DISCUSSION))

    first = _run(in_pair, 2 * NUDGE_AFTER_DAYS + 1)
    again = _run(in_pair, 2 * NUDGE_AFTER_DAYS + 3)

    assert (first.nudged, first.escalated) == (1, 1)
    assert (again.nudged, again.escalated) == (0, 0)
    assert len([s for s in _told(pair, "staff") if "has had no answer" in s]) == 1
    # Nobody has acted yet, so both sides owe an answer.
    assert any("waiting for your answer" in s for s in _told(pair, "supplier"))
    assert any("waiting for your answer" in s for s in _told(pair, "beneficiary"))


def test_a_new_message_starts_a_new_quiet_spell_and_turns_the_nudge_around(pair, in_pair):
    in_pair(lambda p: advance(p.match(), State.INTEREST_EXPRESSED, p.user("beneficiary")))
    _run(in_pair, NUDGE_AFTER_DAYS + 1)  # the supplier is nudged
    in_pair(lambda p: send_message(p.match(), p.user("supplier"), "Sorry, yes please."))

    # The job's clock is moved on; the reply was written now, the interest before it.
    quiet_after_reply = _run(in_pair, NUDGE_AFTER_DAYS - 0.5)
    later = _run(in_pair, NUDGE_AFTER_DAYS + 0.5)

    assert (quiet_after_reply.nudged, later.nudged) == (0, 1)
    assert len([s for s in _told(pair, "supplier") if "waiting for your answer" in s]) == 1
    assert len([s for s in _told(pair, "beneficiary") if "waiting for your answer" in s]) == 1


def test_suggested_and_closed_matches_are_never_nudged(pair, in_pair):
    in_pair(lambda p: set_state(p.match("opportunity"), State.DECLINED))

    report = _run(in_pair, 30)

    assert (report.nudged, report.escalated) == (0, 0)


def test_the_command_expires_and_nudges_and_a_second_run_does_nothing(pair, in_pair, monkeypatch):
    def arrange(pair):
        set_state(pair.match("opportunity"), State.INTEREST_EXPRESSED)
        pair.match("need").need.deadline = today() - timedelta(days=1)

    _arrange_before_the_date_passed(in_pair, monkeypatch, arrange)
    runner = pair.app.test_cli_runner()

    first = runner.invoke(args=["match", "expire"])
    second = runner.invoke(args=["match", "expire"])

    assert first.exit_code == 0, first.output
    assert first.output.strip() == "1 listing closed, 1 expired, 0 nudged, 0 raised with staff."
    assert second.output.strip() == "0 listings closed, 0 expired, 0 nudged, 0 raised with staff."
    with pair.app.app_context():
        assert pair.match("need").state == "expired"
