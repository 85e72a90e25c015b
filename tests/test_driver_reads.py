"""A fixed statement read through the driver's own cursor: the rows SQLAlchemy would give,
heard by the engine's cursor listeners, and its failures raised as SQLAlchemy's."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from brokerage.changes import TopicVersion
from brokerage.driver_reads import read_fixed
from brokerage.extensions import db
from tests.helpers.app import counted_statements

VERSIONS = "SELECT topic, version FROM topic_versions ORDER BY topic"


def test_a_fixed_read_gives_the_rows_sqlalchemy_gives_each_time_it_runs(in_app):
    def read() -> tuple[list, list, list]:
        expected = db.session.execute(
            select(TopicVersion.topic, TopicVersion.version).order_by(TopicVersion.topic)
        ).all()
        first = read_fixed(db.session.connection(), VERSIONS)
        again = read_fixed(db.session.connection(), VERSIONS)
        return [tuple(row) for row in expected], first, again

    expected, first, again = in_app(read)
    assert expected and first == expected and again == expected


def test_a_fixed_read_is_heard_by_the_engines_cursor_listeners(in_app):
    def read() -> list[str]:
        connection = db.session.connection()  # the test's savepoint is said here
        with counted_statements() as statements:
            read_fixed(connection, VERSIONS)
        return statements

    assert in_app(read) == [VERSIONS]


def test_a_fixed_read_that_fails_raises_sqlalchemys_error(in_app):
    def read() -> None:
        read_fixed(db.session.connection(), "SELECT topic FROM no_such_table")

    with pytest.raises(DBAPIError, match="no_such_table"):
        in_app(read)
