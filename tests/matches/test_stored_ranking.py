"""An opportunity's matches page reads its opportunity and stored ranking in one statement
(`stored_ranking.read_opportunity`), read cold for every opportunity of the county."""

from __future__ import annotations

from psycopg._queries import MAX_CACHED_STATEMENT_LENGTH
from sqlalchemy.dialects.postgresql.psycopg import dialect

from brokerage.matches import stored_ranking


def test_the_read_is_short_enough_for_psycopg_to_keep_its_parsing():
    """psycopg turns a statement's named parameters into PostgreSQL's afresh on every
    execution when it is over 4096 bytes (a sixth of the read's time), and keeps the
    result for shorter ones."""
    statement = str(stored_ranking._READ.compile(dialect=dialect()))

    assert len(statement.encode()) <= MAX_CACHED_STATEMENT_LENGTH
