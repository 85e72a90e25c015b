"""Every move from every state by every kind of person: only the moves `states.MOVES` allows
happen, each written to the history; the rest are refused with a reason and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.notifications.models import Notification
from brokerage.workflow import moves
from brokerage.workflow.models import MatchEvent, MatchMessage
from brokerage.workflow.states import MOVES, InvalidTransition, Role, State
from tests.helpers.workflow import set_state

# Who each person is to the need match (the offer's supplier provides).
ROLES = {
    "supplier": {Role.PARTY, Role.PROVIDER},
    "beneficiary": {Role.PARTY},
    "task_force": {Role.TASK_FORCE},
    "staff": {Role.TASK_FORCE},  # staff may do what the task force does
    "outsider": set(),
    "system": {Role.SYSTEM},
}
# Moves whose rules need more than a state and a role: tested in test_delivery.py.
NEEDS_A_DELIVERY = {State.DELIVERED, State.VERIFIED}


def _expected(current: State, target: State, person: str) -> bool:
    allowed = MOVES.get((current, target), frozenset())
    return bool(allowed & ROLES[person]) and target not in NEEDS_A_DELIVERY


@pytest.mark.parametrize("person", list(ROLES))
def test_each_person_may_make_exactly_the_moves_the_rules_allow(in_pair, person):
    def try_every_move(pair) -> list[str]:
        wrong = []
        match, actor = pair.match(), pair.user(person)
        for current in State:
            for target in State:
                set_state(match, current)
                try:
                    moves.advance(match, target, actor, reason="too_far")
                    happened = True
                except InvalidTransition as refusal:
                    assert str(refusal), "a refusal must say why"
                    happened = False
                if happened != _expected(current, target, person):
                    wrong.append(f"{current} -> {target}: {'made' if happened else 'refused'}")
        return wrong

    assert in_pair(try_every_move) == []


def test_a_move_records_who_when_from_where_to_where_and_why(in_pair):
    def move(pair):
        match = pair.match()
        moves.advance(match, State.INTEREST_EXPRESSED, pair.user("beneficiary"), note="Hi!")
        moves.advance(match, State.DECLINED, pair.user("supplier"), reason="no_capacity")
        events = db.session.scalars(select(MatchEvent).order_by(MatchEvent.id)).all()
        return [(e.actor.email, e.from_state, e.to_state, e.reason, e.note) for e in events]

    assert in_pair(move) == [
        ("beneficiary@example.org", "suggested", "interest_expressed", None, "Hi!"),
        ("supplier@example.org", "interest_expressed", "declined", "no_capacity", ""),
    ]


def test_declining_needs_a_reason_from_the_list(in_pair):
    def decline(pair):
        with pytest.raises(InvalidTransition, match="reason"):
            moves.advance(pair.match(), State.DECLINED, pair.user("supplier"), reason="bored")
        return pair.match().state

    assert in_pair(decline) == "suggested"


def test_a_move_made_on_an_old_view_of_the_match_is_refused_with_the_current_state(in_pair):
    def race(pair):
        match = pair.match()
        seen = match.version
        moves.advance(match, State.INTEREST_EXPRESSED, pair.user("beneficiary"))
        with pytest.raises(moves.StaleMatch, match="changed while you were looking") as stale:
            moves.advance(
                match, State.DECLINED, pair.user("supplier"), reason="timing", seen_version=seen
            )
        return match.state, str(stale.value)

    state, message = in_pair(race)

    assert state == "interest_expressed"
    assert "it is now “Interest expressed”" in message


def test_a_message_written_on_an_old_view_of_the_match_is_refused_and_not_sent(in_pair):
    def race(pair):
        match = pair.match()
        seen = match.version
        moves.advance(match, State.INTEREST_EXPRESSED, pair.user("beneficiary"))
        with pytest.raises(moves.StaleMatch, match="it is now “Interest expressed”"):
            moves.send_message(match, pair.user("supplier"), "Tuesdays suit us.", seen)
        return db.session.scalar(select(func.count()).select_from(MatchMessage))

    assert in_pair(race) == 0


def test_the_other_side_is_told_of_a_move_and_the_mover_is_not(in_pair):
    def move(pair):
        moves.advance(pair.match(), State.INTEREST_EXPRESSED, pair.user("beneficiary"))
        rows = db.session.scalars(select(Notification)).all()
        return [(db.session.get(type(pair.user("staff")), n.user_id).email, n.link) for n in rows]

    told = in_pair(move)

    assert [email for email, _ in told] == ["supplier@example.org"]
    assert told[0][1].startswith("/matches/")


def test_the_system_expiring_a_match_tells_both_sides(in_pair):
    def expire(pair):
        moves.advance(pair.match(), State.EXPIRED, None)
        return db.session.scalar(select(func.count(Notification.id)))

    assert in_pair(expire) == 2
