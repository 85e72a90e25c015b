"""A fixed statement that every request runs, read through the database driver's own cursor.

SQLAlchemy's way to run a statement (a new cursor, an execution context, a result and its
row objects) and psycopg's for a cursor new to the statement (its adapters set up afresh)
cost more than the round trip itself for the small read every signed-in page makes (the
topic versions). So such a statement runs on a cursor kept with its pooled connection for as
long as that connection lives, where psycopg finds it ready (and prepared on the server, as
it prepares any statement run often); on the session's connection, in its transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

# In each pooled connection's `info`: its kept cursors, by statement.
_CURSORS = "driver_reads.cursors"


def read_fixed(connection: Connection, sql: str) -> list[tuple[Any, ...]]:
    """The rows of `sql` (written for this connection's database, without parameters)."""
    pooled = connection.connection
    cursors: dict[str, Any] = pooled.info.setdefault(_CURSORS, {})
    cursor = cursors.get(sql)
    if cursor is None:
        cursor = cursors[sql] = pooled.cursor()
    # SQLAlchemy's own way to run a statement on a cursor it did not make: the engine's
    # cursor listeners hear of it (statement counts), and a driver error is raised as any
    # statement's is (a lost connection drops the pool's others).
    connection._cursor_execute(cursor, sql, ())  # noqa: SLF001
    return list(cursor.fetchall())
