"""Bulk rows: what `insert_columns` writes is what SQLAlchemy's own insert writes, by COPY on
PostgreSQL; a rewrite of a table leaves its indexes as they were."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import pytest
from sqlalchemy import Table, delete, insert, inspect, select

from brokerage.bulk_rows import insert_columns, rewriting
from brokerage.extensions import db
from brokerage.matches.models import Match
from tests.factories import NeedFactory, OfferFactory, OpportunityFactory
from tests.helpers.app import counted_statements, postgres_only
from tests.helpers.bulk_rows import columns_of

TABLE = cast(Table, Match.__table__)
READ_BACK = [column for column in TABLE.c if column.name != "id"]


def _rows() -> list[dict[str, Any]]:
    """Rows as a rebuild writes them: shared values, missing ranks, reasons or none."""
    offers = OfferFactory.create_batch(3)
    need, opportunity = NeedFactory(), OpportunityFactory()
    db.session.flush()
    computed_at = datetime(2026, 12, 5, 14, 30, 15, 123456, tzinfo=UTC)
    rows = []
    for i, offer in enumerate(offers):
        for column, seeker in (("need_id", need.id), ("opportunity_id", opportunity.id)):
            rows.append(
                {
                    "opportunity_id": None,
                    "need_id": None,
                    "state": "suggested",
                    "version": 1,
                    "policy_version": 4,
                    "computed_at": computed_at,
                    "score": 0.5 + i / 10,
                    "location_score": 1.0,
                    "toms_score": 0.25,
                    "fit_score": 0.1 * i,
                    "distance_m": 1234.5,
                    column: seeker,
                    "offer_id": offer.id,
                    "seeker_rank": i + 1 if column == "need_id" else None,
                    "offer_rank": None if i else 1,
                    "reasons": [f"Reason {i}", "Ünïcode and “quotes”"] if i % 2 else None,
                }
            )
    return rows


def _stored() -> list[tuple]:
    query = select(*READ_BACK).order_by(Match.offer_id, Match.need_id, Match.opportunity_id)
    return [tuple(row) for row in db.session.execute(query)]


def test_inserted_rows_read_back_as_sqlalchemys_own_insert_writes_them(app):
    with app.app_context():
        rows = _rows()
        db.session.execute(insert(TABLE), rows)
        by_sqlalchemy = _stored()
        db.session.execute(delete(Match))

        batches = iter(columns_of(rows, batch=4))
        assert insert_columns(db.session.connection(), TABLE, batches) == len(rows)

        assert _stored() == by_sqlalchemy
        assert len(by_sqlalchemy) == 6


def test_no_rows_insert_nothing(app):
    with app.app_context():
        assert insert_columns(db.session.connection(), TABLE, iter([])) == 0
        assert _stored() == []


def test_rows_leaving_a_column_to_its_default_are_refused(app):
    with app.app_context():
        row = _rows()[0]
        del row["computed_at"]  # Match gives it a default in Python, which this path skips
        with pytest.raises(ValueError, match="exactly the columns"):
            insert_columns(db.session.connection(), TABLE, columns_of([row], batch=1))


def _indexes_and_cache() -> tuple[list[str], object]:
    connection = db.session.connection()
    names = sorted(index["name"] for index in inspect(connection).get_indexes(TABLE.name))
    cache = None
    if connection.dialect.name == "sqlite":
        cache = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    return names, cache


def test_a_rewrite_leaves_the_tables_indexes_and_the_connections_cache_as_they_were(app):
    with app.app_context():
        before = _indexes_and_cache()
        assert "ix_matches_offer_best" in before[0]
        with rewriting(db.session.connection(), TABLE):
            insert_columns(db.session.connection(), TABLE, columns_of(_rows(), batch=4))
        assert _indexes_and_cache() == before
        assert len(_stored()) == 6


def test_a_rewrite_that_fails_is_rolled_back_with_its_indexes(app):
    with app.app_context():
        before = _indexes_and_cache()
        rows = _rows()
        savepoint = db.session.begin_nested()
        with pytest.raises(ValueError), rewriting(db.session.connection(), TABLE):
            insert_columns(db.session.connection(), TABLE, columns_of(rows, batch=4))
            raise ValueError("the rebuild failed")
        savepoint.rollback()
        assert _indexes_and_cache() == before
        assert _stored() == []


@postgres_only
def test_on_postgresql_rows_go_in_by_copy_not_an_insert_each(app):
    with app.app_context():
        rows = _rows()
        with counted_statements() as statements:
            insert_columns(db.session.connection(), TABLE, columns_of(rows, batch=4))
        assert not [s for s in statements if s.startswith("INSERT")]
        assert len(_stored()) == 6
