"""An opportunity's matches page reads its opportunity and stored ranking in one statement
(`stored_ranking.read_opportunity`), read cold for every opportunity of the county."""

from __future__ import annotations

from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
from sqlalchemy.dialects.postgresql.psycopg import dialect

from brokerage.matches import stored_ranking
from brokerage.matches.models import State


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
    of planning to run 0.4 ms (10,000 suppliers). So the state is written into the statement,
    and what the opportunity asks is looked up once by the id given, not row by row."""
    statement = str(stored_ranking._READ.compile(dialect=dialect()))

    assert f"matches.state != '{State.SUGGESTED.value}'" in statement
    assert "opportunity_measures.opportunity_id = %(opportunity_id)s" in statement
    assert "opportunity_trades.opportunity_id = %(opportunity_id)s" in statement
