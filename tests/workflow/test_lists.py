"""An organisation's list of matches reads its own matches, and the task force's and staff's
list of every match is planned as cheap, however many are stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import FromClause, event, func, insert, select, text, true

from brokerage.extensions import db
from brokerage.listings.models import Offer
from brokerage.matches.models import Match
from brokerage.workflow.lists import match_list
from brokerage.workflow.states import Stage
from tests.factories import MatchEventFactory, MatchFactory, OfferFactory, OpportunityFactory
from tests.helpers.app import postgres_only


def _copies(
    model: type[Offer] | type[Match], row_id: int, source: FromClause, varied: str = ""
) -> None:
    """Copies of a row in one statement, one for each row of `source`, the column `varied`
    (if any) taking the source row's id."""
    table, copied = model.__table__, model.__table__.alias("copied")
    columns = [c.name for c in table.columns if c.name not in ("id", varied)]
    values = [copied.c[c] for c in columns] + ([source.c.id] if varied else [])
    db.session.execute(
        insert(table).from_select(
            columns + ([varied] if varied else []),
            select(*values).select_from(copied.join(source, true())).where(copied.c.id == row_id),
        )
    )


def _store_3000_more_like(match: Match, existing_offer_id: int) -> None:
    """3,000 more offers, each with a copy of `match` (of an offer besides the existing
    one's), then the statistics PostgreSQL keeps of a large table."""
    db.session.flush()
    _copies(Offer, match.offer_id, func.generate_series(1, 3000).table_valued("id").alias("source"))
    others = select(Offer.id).where(Offer.id.not_in([existing_offer_id, match.offer_id]))
    _copies(Match, match.id, others.subquery("source"), varied="offer_id")
    for table in ("matches", "offers", "match_events", "match_deliveries"):
        db.session.execute(text(f"ANALYZE {table}"))


def _rows_read_of_matches() -> int:
    """Rows this transaction has read of the matches table, by scans and by index."""
    return db.session.execute(
        text(
            "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = 'matches'"
        )
    ).scalar_one()


@postgres_only
def test_an_organisations_list_reads_its_own_matches_not_every_stored_one(app):
    """Asked for the matches of an organisation's offers, needs or opportunities as one
    condition of three alternatives, PostgreSQL read every stored match (a second a page at
    10,000 suppliers)."""
    with app.app_context():
        mine = OfferFactory(status="published")
        for opportunity in OpportunityFactory.create_batch(3, status="published"):
            MatchFactory(offer=mine, opportunity=opportunity, need=None)
        _store_3000_more_like(MatchFactory(offer=OfferFactory(status="published")), mine.id)
        before = _rows_read_of_matches()

        found = match_list(mine.organisation, None, 1)
        read = _rows_read_of_matches() - before

    assert found.total == 3
    assert read < 100


@contextmanager
def _run_statements() -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements run inside the block, each with its parameters."""
    run: list[tuple[str, Any]] = []

    def keep(_connection: object, _cursor: object, statement: str, parameters: Any, *_: object):
        run.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield run
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def _estimated_cost(statement: str, parameters: Any) -> float:
    """What PostgreSQL's planner expects a statement to cost (past `jit_above_cost`, it
    compiles the statement before running it)."""
    explained = db.session.connection().exec_driver_sql(
        f"EXPLAIN (FORMAT JSON) {statement}", parameters
    )
    return explained.scalar_one()[0]["Plan"]["Total Cost"]


@postgres_only
def test_the_list_of_every_match_is_planned_as_cheap_as_reading_the_matches_a_few_times(app):
    """With the stage worked out for every stored match, the planner priced each match's
    stage subqueries: at 10,000 suppliers it expected 800,000 and spent 0.4-0.6 s compiling
    the count (JIT) before reading a row, and filtering by a stage read every match."""
    with app.app_context():
        agreed = MatchFactory(state="agreed")
        MatchEventFactory(
            match=agreed, from_state="delivered", to_state="agreed", reason="disputed"
        )
        _store_3000_more_like(MatchFactory(offer=OfferFactory(status="published")), agreed.offer_id)
        reading_every_match = _estimated_cost("SELECT * FROM matches", {})
        with _run_statements() as run:
            lists = [match_list(None, stage, 1) for stage in (None, Stage.DISPUTED, Stage.AGREED)]
        dearest = max(_estimated_cost(statement, parameters) for statement, parameters in run)

    assert [found.total for found in lists] == [3002, 1, 0]
    assert lists[1].rows[0].match == agreed
    assert dearest < 3 * reading_every_match
