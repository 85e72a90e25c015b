"""Many plain rows written in bulk, as a full rebuild of stored matches writes them.

`connection.execute(insert(table), rows)` runs SQLAlchemy's parameter handling on every
value of every row in Python (about 16 µs a stored match on SQLite); a rebuild writes over
a million rows. Here the statement is compiled once for the connection's dialect, each
column's own bind processor (the one SQLAlchemy would apply) runs once per run of equal
values (the rows of a rebuild share their policy version and time), and the driver gets
plain parameters in one `executemany` per batch (on PostgreSQL, one COPY per batch). Rows
come as batches of columns (a list of values per column name: what a caller holding arrays
has, with no dict per row).
Every batch must name the same columns, every column it fills, and none may rely on a
Python-side default.

`rewriting` wraps the delete and reinsert of most of a table's rows (a rebuild) so that
SQLite is not slowed by what a million single-row changes cost it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import Any

from sqlalchemy import Connection, Table, insert

BATCH = 5_000
# SQLite's page cache (KiB) while a table is rewritten: at its 2 MB default, a rewrite of a
# million rows writes pages out to the file and reads them back all through. 64 MiB, not
# more: the rebuild's process already peaks near 850 MiB at 50,000 suppliers, and issue 21
# allows it 1 GiB (at 10,000, 256 MiB wrote the indexless table in 8.7 s, 64 MiB in 9.4 s).
REWRITE_CACHE_KIB = 65_536

Columns = Mapping[str, Sequence[Any]]


def insert_columns(connection: Connection, table: Table, batches: Iterable[Columns]) -> int:
    """Insert each batch of `batches` (column name -> its values, one per row, the columns
    of equal length) into `table`, one `executemany` a batch; returns how many rows."""
    found = iter(batches)
    first = next(found, None)
    if first is None:
        return 0
    names = sorted(first)
    dialect = connection.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=names, for_executemany=True)
    order = list(compiled.positiontup or ()) if compiled.positional else list(compiled.params)
    if sorted(order) != names:
        raise ValueError(f"Rows for {table.name} must fill exactly the columns they name.")
    processors = {
        name: process
        for name in order
        if (process := table.c[name].type.dialect_impl(dialect).bind_processor(dialect))
    }
    write = _copy(connection, table, order) if dialect.name == "postgresql" else None
    statement = str(compiled)
    stored = 0
    for batch in chain([first], found):
        if sorted(batch) != names:
            raise ValueError(f"Every batch for {table.name} must fill the same columns.")
        columns = [
            _processed(batch[name], processors[name]) if name in processors else batch[name]
            for name in order
        ]
        parameters: Sequence[Any] = list(zip(*columns, strict=True))
        if parameters and write is not None:
            write(parameters)
        elif parameters:
            if not compiled.positional:
                parameters = [dict(zip(order, row, strict=True)) for row in parameters]
            connection.exec_driver_sql(statement, parameters)
        stored += len(parameters)
    return stored


def _copy(
    connection: Connection, table: Table, order: list[str]
) -> Callable[[Sequence[Any]], None]:
    """What writes a batch of rows (tuples of bound values, in `order`) on PostgreSQL: one
    COPY each, on the connection's own transaction. The server parses, plans and runs an
    INSERT per row of an `executemany`; a COPY streams the rows into the table (at 10,000
    suppliers the rebuild's 431,492 rows took 9.9 s of the client's CPU and 39.9 s of the
    server's as inserts, 4.2 and 21.2 s by COPY, DELETEs included)."""
    quote = connection.dialect.identifier_preparer
    statement = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(name) for name in order)}) "
        "FROM STDIN"
    )

    driver: Any = connection.connection.driver_connection  # psycopg's own connection

    def write(rows: Sequence[Any]) -> None:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    return write


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


@contextmanager
def rewriting(connection: Connection, table: Table) -> Iterator[None]:
    """Around deleting and inserting again most of `table`'s rows in one transaction. On
    SQLite, the table's non-unique indexes are dropped and made again at the end (one sort
    each, instead of an entry removed and one added per row and index) and the connection's
    page cache is raised meanwhile. Both undo themselves: the DDL is part of the transaction
    (a rollback brings the indexes back as they were), and the cache size is put back even
    on an error. On PostgreSQL nothing changes: DROP INDEX holds a lock on the table until
    the commit that would stop every reader of the table for the whole rebuild."""
    if connection.dialect.name != "sqlite":
        yield
        return
    cache_size = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{REWRITE_CACHE_KIB}")
    dropped = [index for index in table.indexes if not index.unique]
    try:
        for index in dropped:
            index.drop(connection)
        yield
        for index in dropped:
            index.create(connection)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(cache_size)}")
