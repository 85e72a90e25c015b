"""Messages between the two sides of a match: only they write, within limits, as text."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.notifications.models import Notification
from brokerage.workflow import moves
from brokerage.workflow.models import MAX_MESSAGE, MatchMessage
from brokerage.workflow.states import InvalidTransition, State
from tests.factories import MembershipFactory
from tests.helpers.web import log_in
from tests.helpers.workflow import set_state


def test_either_side_writes_and_the_other_is_told(in_pair):
    def write(pair):
        moves.send_message(pair.match(), pair.user("beneficiary"), "  Could you start in May? ")
        message = db.session.scalars(select(MatchMessage)).one()
        notification = db.session.scalars(select(Notification)).one()
        return message.body, message.organisation.name, notification.user_id, notification.body

    body, side, told, said = in_pair(write)

    assert (body, side, said) == ("Could you start in May?", "ARCh Oxfordshire", body)
    assert told == in_pair(lambda pair: pair.users["supplier"])


@pytest.mark.parametrize("person", ["task_force", "staff", "outsider", "buyer"])
def test_nobody_but_the_two_sides_writes(in_pair, person):
    def write(pair):
        with pytest.raises(InvalidTransition, match="two sides"):
            moves.send_message(pair.match(), pair.user(person), "Hello")
        return db.session.scalars(select(MatchMessage)).all()

    assert in_pair(write) == []


@pytest.mark.parametrize("body", ["", "   ", "x" * (MAX_MESSAGE + 1)])
def test_an_empty_or_overlong_message_is_refused(in_pair, body):
    def write(pair):
        with pytest.raises(InvalidTransition, match="1 to"):
            moves.send_message(pair.match(), pair.user("supplier"), body)

    in_pair(write)


def test_a_closed_match_takes_no_more_messages(in_pair):
    def write(pair):
        set_state(pair.match(), State.DECLINED)
        with pytest.raises(InvalidTransition, match="closed"):
            moves.send_message(pair.match(), pair.user("supplier"), "Still there?")

    in_pair(write)


def test_html_in_a_message_is_kept_as_the_text_written(in_pair):
    def write(pair):
        return moves.send_message(
            pair.match(), pair.user("supplier"), "<b>bold</b> <script>x()</script>"
        ).body

    assert in_pair(write) == "<b>bold</b> <script>x()</script>"


READS = {"supplier": True, "beneficiary": True, "task_force": False, "staff": False}


@pytest.mark.parametrize("person", list(READS))
def test_only_the_two_sides_read_the_messages_and_the_page_says_so(pair, in_pair, person):
    """A charity writing on a match writes to the supplier: the task force and staff, who
    see the match to review it, do not read its private messages."""
    in_pair(lambda p: moves.send_message(p.match(), p.user("beneficiary"), "Our address is"))
    client = log_in(pair.app.test_client(), f"{person}@example.org")

    html = client.get(f"/matches/{pair.need_match}").get_data(as_text=True)

    assert ("Our address is" in html) is READS[person]
    assert (
        "Only the people at Thames Valley Print and ARCh Oxfordshire can read these messages. "
        "The task force and partnership staff cannot"
    ) in html


def test_a_staff_member_of_a_side_reads_its_messages(pair, in_pair):
    def staff_joins_the_beneficiary(p):
        MembershipFactory(user=p.user("staff"), organisation=p.match().seeker.organisation)
        moves.send_message(p.match(), p.user("supplier"), "Tuesdays suit us.")

    in_pair(staff_joins_the_beneficiary)
    client = log_in(pair.app.test_client(), "staff@example.org")

    assert "Tuesdays suit us." in client.get(f"/matches/{pair.need_match}").text
