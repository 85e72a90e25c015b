"""Read requests run without a transaction on PostgreSQL; everything else keeps one.

Here the app's pool is real (this package's sessions are not bound to a rolled-back
connection), so each test sees what a web process does with its connections."""

from __future__ import annotations

from psycopg.pq import TransactionStatus
from sqlalchemy import select, text

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from tests.helpers.app import postgres_only

pytestmark = postgres_only


def _status() -> TransactionStatus:
    """The transaction state of the connection the session holds."""
    return db.session.connection().connection.driver_connection.info.transaction_status


def test_a_read_requests_statements_run_outside_any_transaction(app):
    with app.test_request_context("/directory/suppliers", method="GET"):
        db.session.execute(text("SELECT 1"))
        assert _status() == TransactionStatus.IDLE, "no BEGIN was sent"
        db.session.remove()


def test_a_write_request_and_work_outside_requests_keep_their_transaction(app):
    with app.test_request_context("/organisations/new", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert _status() == TransactionStatus.INTRANS
        db.session.remove()
    with app.app_context():  # a worker's job or a flask command
        bakery = Organisation(name="Rolled Back Bakery", kind="supplier", postcode="OX4 1AA")
        db.session.add(bakery)
        db.session.flush()
        assert _status() == TransactionStatus.INTRANS
        db.session.rollback()
        gone = db.session.scalar(
            select(Organisation).where(Organisation.name == "Rolled Back Bakery")
        )
        assert gone is None
        db.session.remove()


def test_after_read_requests_a_write_request_still_gets_a_transaction(app):
    for _ in range(5):  # in autocommit, and back in the pool
        with app.test_request_context("/plan", method="GET"):
            db.session.execute(text("SELECT 1"))
            db.session.remove()
    with app.test_request_context("/plan", method="POST"):
        db.session.execute(text("SELECT 1"))
        assert _status() == TransactionStatus.INTRANS
        db.session.remove()


def test_a_read_request_that_fails_leaves_no_transaction_open_for_the_next_one(app):
    with app.test_request_context("/plan", method="GET"):
        try:
            db.session.execute(text("SELECT 1/0"))
        except Exception:  # noqa: BLE001 (the division by zero PostgreSQL reports)
            db.session.rollback()
        db.session.remove()
    with app.test_request_context("/plan", method="POST"):
        assert db.session.execute(text("SELECT 2")).scalar() == 2
        assert _status() == TransactionStatus.INTRANS
        db.session.remove()
