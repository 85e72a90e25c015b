"""Read requests without a transaction, on PostgreSQL.

A GET or HEAD request writes nothing here (the JSON API's token bookkeeping is one UPDATE),
and at PostgreSQL's read committed every statement sees its own snapshot whether or not a
transaction surrounds it. So a read request's connection runs in autocommit: no `BEGIN`
before its first statement and no `ROLLBACK` after its last, two of a profile page's six
round trips on loopback. Every other request, every worker job and every `flask` command
gets a transaction as before.

The choice is made each time the pool hands a connection out (after `idle_connections`
pings one left idle, which SQLAlchemy's dialect does in autocommit anyway). SQLite is left
alone: its driver begins a transaction only before a write.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import event

from .extensions import db

READ_METHODS = frozenset({"GET", "HEAD"})


def init_app(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.driver == "psycopg":
        event.listen(engine, "checkout", _handed_out)


def _handed_out(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Autocommit for a read request, a transaction for anything else. Only ever between
    transactions: psycopg refuses the change inside one."""
    reading = has_request_context() and request.method in READ_METHODS
    if (
        dbapi_connection.autocommit != reading  # psycopg takes its lock even to set it as it is
        and dbapi_connection.info.transaction_status == TransactionStatus.IDLE
    ):
        dbapi_connection.autocommit = reading
