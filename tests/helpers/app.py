"""Apps and databases for tests: the suite's own, the live server's and any a test builds."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from sqlalchemy import Executable, create_engine, event, make_url, text

from brokerage import create_app
from brokerage.extensions import db
from config import TestConfig

# The fictional second partnership's configuration folder (tests/partnership).
EXAMPLESHIRE = Path(__file__).resolve().parents[1] / "partnership" / "exampleshire"
ON_POSTGRES = (TestConfig.SQLALCHEMY_DATABASE_URI or "").startswith("postgresql")
postgres_only = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: run with TEST_DATABASE_URL"
)


def build_test_app(database_url: str, outbox: str, **settings: Any) -> Flask:
    """An app on `database_url` with its schema built by the migrations."""
    config = type(
        "SessionTestConfig",
        (TestConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_OUTBOX_DIR": outbox,
            # Evidence files beside the outbox, never under the instance folder.
            "EVIDENCE_FOLDER": f"{outbox}-evidence",
            **settings,
        },
    )
    app = create_app(config)
    with app.app_context():
        # "heads": parallel branches under development apply too; a test below insists
        # that what lands on main has one head.
        flask_migrate.upgrade(revision="heads")
        db.session.remove()
    return app


@contextmanager
def fresh_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A new, empty database for this test run, dropped afterwards.

    With TEST_DATABASE_URL (PostgreSQL), each run makes its own database beside the one
    named there, so parallel runs, pytest-xdist workers (each a process of its own) and the
    live server never share tables; otherwise a new SQLite file in the worker's own folder.
    """
    base_url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not base_url:
        yield f"sqlite:///{tmp_path / (name + '.sqlite')}"
        return
    url = make_url(base_url)
    database = f"{url.database}_{name}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def committing_session() -> Iterator[None]:
    """Within the block, `db.session` commits for real, as outside the suite: for tests whose
    app has a database of its own (the suite's own session is rolled back instead)."""
    original_session = db.session
    db.session = db._make_scoped_session({"expire_on_commit": False})
    try:
        yield
    finally:
        db.session = original_session


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block (an N+1 shows as a list that grows)."""
    statements: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def query_plan(query: Executable) -> str:
    """How the database would run `query`, its plan's steps one a line. PostgreSQL is told
    to avoid whole-table and bitmap reads, as it would for a large table: a test's
    near-empty one is cheapest read whole."""
    connection = db.session.connection()
    sql = str(query.compile(connection, compile_kwargs={"literal_binds": True}))
    if connection.dialect.name == "sqlite":
        return "\n".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
    return "\n".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {sql}"))
