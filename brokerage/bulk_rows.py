"""Many plain rows written in bulk, as a full rebuild of stored matches writes them.

`connection.execute(insert(table), rows)` runs SQLAlchemy's parameter handling on every
value of every row in Python (about 16 µs a stored match on SQLite); a rebuild writes over
a million rows. Here the statement is compiled once for the connection's dialect, each
column's own bind processor (the one SQLAlchemy would apply) runs once per run of equal
values (the rows of a rebuild share their policy version and time), and the driver gets
plain parameters in one `executemany` per batch. The rows must name every column they fill,
the same columns in every row, and none may rely on a Python-side default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import chain, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, insert

BATCH = 5_000


def insert_rows(
    connection: Connection, table: Table, rows: Iterable[Mapping[str, Any]], batch: int = BATCH
) -> int:
    """Insert `rows` (dicts keyed by column name) into `table`; returns how many."""
    found = iter(rows)
    first = next(found, None)
    if first is None:
        return 0
    names = list(first)
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=names, for_executemany=True)
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.params)
    if sorted(order) != sorted(names):
        raise ValueError(f"Rows for {table.name} must fill exactly the columns they name.")
    values_of = itemgetter(*order) if len(order) > 1 else lambda row: (row[order[0]],)
    processors = [
        (i, process)
        for i, name in enumerate(order)
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    ]
    statement = str(compiled)
    stored = 0
    every = chain([first], found)
    while chunk := list(islice(every, batch)):
        columns: list[Sequence[Any]] = list(zip(*map(values_of, chunk), strict=True))
        for i, process in processors:
            columns[i] = _processed(columns[i], process)
        parameters: Sequence[Any] = list(zip(*columns, strict=True))
        if not compiled.positional:
            parameters = [dict(zip(order, row, strict=True)) for row in parameters]
        connection.exec_driver_sql(statement, parameters)
        stored += len(chunk)
    return stored


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    """`process` applied to each value, once per run of the very same object."""
    done: list[Any] = []
    last: Any = done  # never one of the values
    result = None
    for value in values:
        if value is not last:
            last, result = value, process(value)
        done.append(result)
    return done
