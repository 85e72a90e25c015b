"""An opportunity's matches page reads its opportunity and stored ranking in one statement
(`stored_ranking.read_opportunity`), read cold for every opportunity of the county."""

from __future__ import annotations

from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
from sqlalchemy.dialects.postgresql.psycopg import dialect

from brokerage.extensions import db
from brokerage.matches import stored_ranking
from brokerage.matches.models import State
from tests.factories import OpportunityFactory, SupplierMatchFactory, SupplierRankingFactory


def test_the_read_is_short_enough_for_psycopg_to_keep_its_parsing():
    """psycopg turns a statement's named parameters into PostgreSQL's afresh on every
    execution when it is over 4096 bytes (a sixth of the read's time), and keeps the
    result for shorter ones."""
    statement = str(stored_ranking._READ.compile(dialect=dialect()))

    assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH


def test_postgresql_can_plan_the_read_once_for_every_opportunity():
    """psycopg prepares the read on each connection; PostgreSQL then plans it once for every
    opportunity only if that plan costs about what one planned for the id given does. Asked
    to compare the matches' state with a parameter, it had to guess how many matches were
    acted on (a fifth, not the few there are) and planned afresh on every execution: 1.2 ms
    of planning to run 0.4 ms (10,000 suppliers). So the state is written into the statement."""
    statement = str(stored_ranking._READ.compile(dialect=dialect()))

    assert f"matches.state != '{State.SUGGESTED.value}'" in statement


def test_the_read_asks_for_the_opportunitys_asks_by_its_id_not_once_a_row():
    """Asked by the parameter, PostgreSQL's generic plan reads each ask once by index; asked
    by each row's opportunity, it hashed the whole of opportunity_measures on every read."""
    statement = str(stored_ranking._READ.compile(dialect=dialect()))

    assert "opportunity_measures.opportunity_id = %(opportunity_id)s" in statement
    assert "opportunity_trades.opportunity_id = %(opportunity_id)s" in statement
    assert "measures.opportunity_id = opportunities.id" not in statement
    assert "trades.opportunity_id = opportunities.id" not in statement


def test_each_suppliers_stored_reasons_and_offers_are_read_as_they_were_stored(app):
    """A ranking's stored lists are read as text and decoded together: each supplier still
    gets its own, whatever its reasons hold (quotes, commas, brackets, other scripts)."""
    tricky = ['Through "Jobs, [for] all"', "Café \\ crèche – 5 km", "{}"]
    with app.app_context():
        opportunity = OpportunityFactory()
        SupplierRankingFactory(opportunity_id=opportunity.id)
        for rank, (reasons, offers) in enumerate(
            ((tricky, [3, 1]), ([], []), (["Right trade"], [7])), 1
        ):
            SupplierMatchFactory(
                opportunity_id=opportunity.id,
                reasons=reasons,
                offer_ids=offers,
                opportunity_rank=rank,
                supplier_rank=rank,
            )
        db.session.flush()
        read = stored_ranking.read_opportunity(opportunity.id)

    assert read is not None and read.ranking is not None
    assert [(r.reasons, r.offers) for r, _ in read.ranking.ranked] == [
        (tuple(tricky), (3, 1)),
        ((), ()),
        (("Right trade",), (7,)),
    ]
