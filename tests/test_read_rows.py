"""`extensions.read_rows` with `CompiledOnce`: a statement built once is compiled once and
found again by identity, not by hashing its whole cache key on every read."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event, literal, select

from brokerage.extensions import CompiledOnce, db, read_rows


def test_a_statement_read_with_compiled_once_is_found_there_until_another_takes_its_place(
    app: Flask,
):
    kept = CompiledOnce()
    first, second = select(literal(1).label("one")), select(literal(2).label("two"))
    hits: list[bool] = []

    def seen(*args: Any) -> None:
        statement, context = args[2], args[4]
        if "AS one" in statement or "AS two" in statement:  # not the session's own
            hits.append(context.cache_hit == context.dialect.CACHE_HIT)

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", seen)
        try:
            rows = [
                read_rows(statement, {}, compiled)
                for statement, compiled in (
                    (first, None),  # compiled and kept in the engine's cache
                    (first, kept),
                    (first, kept),
                    (second, kept),
                    (first, kept),
                )
            ]
        finally:
            event.remove(db.engine, "after_cursor_execute", seen)

    assert [row[0] for read in rows for row in read] == [1, 1, 1, 2, 1]
    # Not found in `kept` until read with it; then kept until another statement takes its place.
    assert hits == [False, False, True, False, False]
