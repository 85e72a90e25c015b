"""Statements every request (or a much-read page) runs, read through the database driver's
own cursor.

SQLAlchemy's way to run a statement (a new cursor, an execution context, a result built
from the cursor's description and its row objects) and psycopg's for a cursor new to the
statement (its adapters set up afresh) cost more than the round trip itself for the small
read every signed-in page makes (the topic versions), and three times the driver's own work
for a profile page's one statement (`DriverRead`). So such a statement runs on a cursor kept
with its pooled connection for as long as that connection lives, where psycopg finds it
ready (and prepared on the server, as it prepares any statement run often); on the
session's connection, in its transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect

# In each pooled connection's `info`: its kept cursors, by statement.
_CURSORS = "driver_reads.cursors"


def read_fixed(
    connection: Connection, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
) -> list[tuple[Any, ...]]:
    """The rows of `sql` (written for this connection's database and its driver's
    parameter style), as the driver gives them."""
    pooled = connection.connection
    cursors: dict[str, Any] = pooled.info.setdefault(_CURSORS, {})
    cursor = cursors.get(sql)
    if cursor is None:
        cursor = cursors[sql] = pooled.cursor()
    # SQLAlchemy's own way to run a statement on a cursor it did not make: the engine's
    # cursor listeners hear of it (statement counts), and a driver error is raised as any
    # statement's is (a lost connection drops the pool's others).
    connection._cursor_execute(cursor, sql, parameters)  # noqa: SLF001
    return list(cursor.fetchall())


@dataclass(frozen=True)
class _Compiled:
    sql: str
    parameters: dict[str, Any]  # the statement's own values; the caller's are added
    given: frozenset[str]  # the names of the caller's values, the same each time
    positions: tuple[str, ...] | None  # the parameters' order, for a positional driver
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # by column


class DriverRead:
    """A SELECT built once, read with `read_fixed`: compiled once per dialect, its values
    given by name, and each row a tuple of its columns as SQLAlchemy would give them (its
    result processors applied where a column's type has one: SQLite's dates and booleans,
    a type decorator's). Only for statements whose parameters the driver takes as they are."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}

    def rows(self, connection: Connection, **values: Any) -> list[tuple[Any, ...]]:
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect, values)
        if values.keys() != compiled.given:
            raise TypeError(f"Values for {sorted(compiled.given)} are wanted.")
        given = compiled.parameters | values
        parameters: Sequence[Any] | Mapping[str, Any] = (
            given if compiled.positions is None else [given[name] for name in compiled.positions]
        )
        rows = read_fixed(connection, compiled.sql, parameters)
        if not compiled.processors:
            return rows
        processed = []
        for row in rows:
            columns = list(row)
            for at, process in compiled.processors:
                columns[at] = process(columns[at])
            processed.append(tuple(columns))
        return processed

    def _compile(self, dialect: Dialect, values: dict[str, Any]) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect)
        for bind in compiled.binds.values():
            if bind.type.dialect_impl(dialect).bind_processor(dialect) is not None:
                raise ValueError(f"{bind.key}'s values need converting for the driver.")
        processors = (
            (at, process)
            for at, column in enumerate(self.statement.selected_columns)
            if (process := column.type.dialect_impl(dialect).result_processor(dialect, None))
        )
        return _Compiled(
            compiled.string,
            dict(compiled.construct_params(values)),
            frozenset(values),
            tuple(compiled.positiontup or ()) if compiled.positional else None,
            tuple(processors),
        )
