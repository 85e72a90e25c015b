"""An organisation's list of matches reads its own matches, however many are stored."""

from __future__ import annotations

from sqlalchemy import FromClause, func, insert, select, text, true

from brokerage.extensions import db
from brokerage.listings.models import Offer
from brokerage.matches.models import Match
from brokerage.workflow.lists import match_list
from tests.factories import MatchFactory, OfferFactory, OpportunityFactory
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
        someone_elses = MatchFactory(offer=OfferFactory(status="published"))
        db.session.flush()
        # 3,000 other offers, each with a match.
        _copies(
            Offer,
            someone_elses.offer_id,
            func.generate_series(1, 3000).table_valued("id").alias("source"),
        )
        others = select(Offer.id).where(Offer.id.not_in([mine.id, someone_elses.offer_id]))
        _copies(Match, someone_elses.id, others.subquery("source"), varied="offer_id")
        db.session.execute(text("ANALYZE matches"))
        db.session.execute(text("ANALYZE offers"))
        before = _rows_read_of_matches()

        found = match_list(mine.organisation, None, 1)
        read = _rows_read_of_matches() - before

    assert found.total == 3
    assert read < 100
