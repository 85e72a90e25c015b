"""Two people moving the same match at once, on PostgreSQL with real concurrent
transactions: exactly one move lands, the other is told the match changed, and the
history holds one event. Each thread has its own app context, so its own session and
connection, on a database of this test's own (the shared rolled-back session would hide
the race)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.toms.service import load_shipped_frameworks
from brokerage.workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from brokerage.workflow.models import Delivery, MatchEvent
from brokerage.workflow.moves import StaleMatch, advance
from brokerage.workflow.states import InvalidTransition, State
from config import TestConfig
from tests.factories import OrganisationFactory
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.workflow import match_of, new_person, published_listing

pytestmark = pytest.mark.skipif(
    not (TestConfig.SQLALCHEMY_DATABASE_URI or "").startswith("postgresql"),
    reason="real concurrent transactions need PostgreSQL: run with TEST_DATABASE_URL",
)


@pytest.fixture(autouse=True)
def _rolled_back_database() -> Iterator[None]:
    """Not the shared rolled-back session: this test commits in a database of its own."""
    yield


@pytest.fixture
def committed_match(tmp_path: Path) -> Iterator[tuple[Flask, dict[str, int]]]:
    """An app on a fresh database holding one committed suggested match of an offer and a need."""
    with fresh_database(tmp_path, "concurrency") as url:
        app = build_test_app(url, str(tmp_path / "outbox"))
        try:
            with app.app_context():
                load_shipped_frameworks()
                supplier = OrganisationFactory(name="Thames Valley Print", kind="supplier")
                beneficiary = OrganisationFactory(name="ARCh Oxfordshire", kind="beneficiary")
                ids = {
                    "staff": new_person(None, "staff", is_staff=True),
                    "supplier": new_person(supplier, "supplier"),
                    "beneficiary": new_person(beneficiary, "beneficiary"),
                }
                db.session.flush()
                offer = published_listing(supplier, "offer", "Reading volunteers")
                need = published_listing(beneficiary, "need", "Reading helpers for schools")
                db.session.commit()
                match = match_of(offer, need)
                ids["match"], ids["version"] = match.id, match.version
                db.session.commit()
            yield app, ids
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


Move = tuple[str, State, str | None]
SUPPLIER_INTEREST: Move = ("supplier", State.INTEREST_EXPRESSED, None)
BENEFICIARY_DECLINES: Move = ("beneficiary", State.DECLINED, "timing")


def _race(app: Flask, ids: dict[str, int], moves: list[Move], hold: float = 0.0) -> list[str]:
    """Each move in its own thread and transaction, from the same loaded version. With
    `hold`, the first move is flushed (its row locked) and held that long uncommitted
    before the second one tries."""
    loaded, first_flushed = threading.Barrier(len(moves)), threading.Event()
    outcomes: list[str] = [""] * len(moves)

    def run(index: int, who: str, target: State, reason: str | None) -> None:
        with app.app_context():
            match = db.session.get(Match, ids["match"])
            actor = db.session.get(User, ids[who])
            seen = match.version
            loaded.wait(timeout=10)
            if hold and index > 0:
                first_flushed.wait(timeout=10)
            try:
                advance(match, target, actor, reason=reason, seen_version=seen)
                if index == 0:
                    first_flushed.set()
                    time.sleep(hold)
                db.session.commit()
                outcomes[index] = "moved"
            except StaleMatch as error:
                outcomes[index] = str(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=run, args=(i, *move), daemon=True) for i, move in enumerate(moves)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def _stored(app: Flask, ids: dict[str, int]) -> tuple[str, int, list[str]]:
    with app.app_context():
        match = db.session.get(Match, ids["match"])
        events = db.session.scalars(
            select(MatchEvent.to_state).where(MatchEvent.match_id == match.id)
        ).all()
        result = match.state, match.version, events
        db.session.remove()
        return result


def test_two_people_moving_a_match_at_once_one_wins_and_the_other_is_told(committed_match):
    app, ids = committed_match

    outcomes = _race(app, ids, [SUPPLIER_INTEREST, BENEFICIARY_DECLINES])

    assert sorted(o == "moved" for o in outcomes) == [False, True]
    winner = outcomes.index("moved")
    loser = outcomes[1 - winner]
    state, version, events = _stored(app, ids)
    assert state == ("interest_expressed", "declined")[winner]
    assert loser.startswith("This match changed while you were looking at it: it is now")
    assert version == ids["version"] + 1 and events == [state]


def test_a_move_waiting_on_the_others_uncommitted_move_is_refused_not_lost(committed_match):
    """The first move holds the row while the second tries: PostgreSQL makes the second
    wait, then its UPDATE finds the version moved on, and it is refused."""
    app, ids = committed_match
    started = time.monotonic()

    outcomes = _race(app, ids, [SUPPLIER_INTEREST, BENEFICIARY_DECLINES], hold=0.5)

    assert outcomes == [
        "moved",
        "This match changed while you were looking at it: it is now “Interest expressed”. "
        "Check the latest and try again.",
    ]
    assert time.monotonic() - started >= 0.5  # the second really waited for the first
    assert _stored(app, ids) == ("interest_expressed", ids["version"] + 1, ["interest_expressed"])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MatchEvent)) == 1
        db.session.remove()


def _delivered(app: Flask, ids: dict[str, int]) -> None:
    """The world's match agreed and its delivery recorded by the supplier, committed."""
    with app.app_context():
        match = db.session.get(Match, ids["match"])
        match.state = State.AGREED.value
        db.session.flush()
        report = DeliveryReport(date.today(), date.today(), {"OIEP-S1": Decimal(3)}, "")
        record_delivery(match, db.session.get(User, ids["supplier"]), report, date.today(), None)
        db.session.commit()
        db.session.remove()


def test_two_confirmations_at_once_one_lands_and_the_other_is_refused(committed_match):
    """Two tabs confirm the same delivery with different ratings: the second waits for the
    first's row lock, then finds the delivery confirmed; the first rating stays."""
    app, ids = committed_match
    _delivered(app, ids)
    loaded, first_flushed = threading.Barrier(2), threading.Event()
    outcomes = [""] * 2

    def run(index: int, rating: int) -> None:
        with app.app_context():
            match = db.session.get(Match, ids["match"])
            beneficiary = db.session.get(User, ids["beneficiary"])
            loaded.wait(timeout=10)
            if index:
                first_flushed.wait(timeout=10)
            try:
                confirm_delivery(match, beneficiary, rating=rating)
                if not index:
                    first_flushed.set()
                    time.sleep(0.5)
                db.session.commit()
                outcomes[index] = "confirmed"
            except InvalidTransition as refusal:
                outcomes[index] = str(refusal)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, 5 - 4 * i), daemon=True) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == ["confirmed", "This delivery is already confirmed."]
    with app.app_context():
        assert db.session.scalar(select(Delivery.rating)) == 5
        db.session.remove()
