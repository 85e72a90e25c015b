"""A fixed statement read through the driver's own cursor: the rows SQLAlchemy would give,
heard by the engine's cursor listeners, and its failures raised as SQLAlchemy's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, literal, select
from sqlalchemy.exc import DBAPIError

from brokerage.accounts.models import Organisation
from brokerage.changes import TopicVersion
from brokerage.driver_reads import DriverRead, read_fixed
from brokerage.extensions import db
from brokerage.listings.models import Offer, Profile
from tests.factories import OfferFactory, ProfileFactory
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


def test_a_driver_read_gives_each_column_as_sqlalchemy_gives_it(in_app):
    """Dates, booleans and aware times (which SQLite keeps as text and numbers), a literal
    and a value given by name, the same on SQLite and PostgreSQL."""
    verified_at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    statement = (
        select(
            Organisation.name,
            literal("offer").label("part"),
            Offer.available_to,
            Profile.verified,
            Profile.verified_at,
            Profile.service_radius_km,
        )
        .join(Offer, Offer.organisation_id == Organisation.id)
        .outerjoin(Profile, Profile.organisation_id == Organisation.id)
        .where(Organisation.id == bindparam("organisation_id"))
        .order_by(Offer.id)
    )
    read = DriverRead(statement)

    def rows() -> tuple[list, list, list]:
        offer = OfferFactory(available_to=date(2027, 1, 31))
        OfferFactory(organisation=offer.organisation, available_to=None)
        ProfileFactory(organisation=offer.organisation, verified=True, verified_at=verified_at)
        db.session.flush()
        given = {"organisation_id": offer.organisation_id}
        expected = [tuple(row) for row in db.session.execute(statement, given)]
        return (
            expected,
            read.rows(db.session.connection(), **given),
            read.rows(db.session.connection(), **given),
        )

    expected, first, again = in_app(rows)
    assert first == again == expected
    assert first[0][2:5] == (date(2027, 1, 31), True, verified_at)
    assert first[0][4].tzinfo == UTC
