"""SQLite's recipe (foreign keys checked, transactions begun by SQLAlchemy so savepoints
work) is set on the app's own SQLite engine, and on no other engine."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import Engine, create_engine, event

from brokerage.extensions import db
from tests.helpers.app import ON_POSTGRES, postgres_only


def _said_and_foreign_keys(engine: Engine) -> tuple[list[str], int]:
    """The statements a new connection of `engine` says for one transaction, and whether
    it checks foreign keys (SQLite's PRAGMA)."""
    said: list[str] = []

    def note(*args: object) -> None:
        said.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", note)
    try:
        with engine.connect() as connection, connection.begin():
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return said, foreign_keys


def test_the_sqlite_recipe_is_the_apps_own_sqlite_engines_and_no_other_engines(app: Flask):
    other = create_engine("sqlite://")
    try:
        said, foreign_keys = _said_and_foreign_keys(other)
    finally:
        other.dispose()
    assert (said, foreign_keys) == (["PRAGMA foreign_keys"], 0)  # as the driver makes it

    if not ON_POSTGRES:
        with app.app_context():
            said, foreign_keys = _said_and_foreign_keys(db.engine)
        assert (said, foreign_keys) == (["BEGIN", "PRAGMA foreign_keys"], 1)


@postgres_only
def test_a_postgresql_engine_runs_no_hook_when_a_transaction_begins(app: Flask):
    """A connection event hook, even one that does nothing, puts each statement through
    SQLAlchemy's event checks."""
    with app.app_context():
        assert not db.engine.dispatch.begin
