"""Connections the database server ended while they sat idle in the pool are replaced
before a request uses them, without a round trip on every checkout.

SQLAlchemy's `pool_pre_ping` pings each connection every time the pool hands it out: a
`SELECT 1` round trip on every request (about 95 us of a signed-in page's ~2.5 ms CPU). A
connection checked in moments ago was answering then; the ones a server ends (a restart, a
failover, `idle_session_timeout`, a firewall forgetting it) are the ones left idle. So only a
connection idle longer than `DATABASE_PING_AFTER_IDLE_SECONDS` is pinged, and one that does
not answer is discarded and another handed out (SQLAlchemy's documented pessimistic
disconnect handling: a `checkout` event raising `DisconnectionError`).

What remains: a connection ended within that many seconds of its last use fails the one
request that next uses it (the outage page, 503); SQLAlchemy then drops every connection
of the pool made before the failure, so the requests after it connect afresh. A server that
ends a connection it served a second ago is going down, when requests in flight fail anyway.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import ConnectionPoolEntry

from .extensions import db

# In each pool entry's `info`: when it was last checked in (time.monotonic()).
_CHECKED_IN_AT = "idle_connections.checked_in_at"


def init_app(app: Flask) -> None:
    """Listen on the app's engine; before `read_requests`, whose checkout listener expects a
    connection that answers."""
    with app.app_context():
        engine = db.engine
    dialect = engine.dialect

    def ping_if_idle(dbapi_connection: Any, entry: ConnectionPoolEntry, _proxy: Any) -> None:
        checked_in_at = entry.info.get(_CHECKED_IN_AT)
        idle_for = app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
        if checked_in_at is not None and time.monotonic() - checked_in_at < idle_for:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError("The database ended this connection.") from error
            raise

    event.listen(engine, "checkout", ping_if_idle)
    event.listen(engine, "checkin", _note_checked_in)


def _note_checked_in(_dbapi_connection: Any, entry: ConnectionPoolEntry) -> None:
    entry.info[_CHECKED_IN_AT] = time.monotonic()
