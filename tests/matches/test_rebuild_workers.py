"""A full rebuild scored in worker processes (MATCH_REBUILD_PROCESSES above 1) stores exactly
what one process stores: every row, every column but its id and the time it was computed."""

from __future__ import annotations

import multiprocessing
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, select

from brokerage.extensions import db
from brokerage.matches.models import Match
from brokerage.matches.store import rebuild
from brokerage.matches.supplier_models import SupplierMatch
from brokerage.matches.supplier_store import rebuild_supplier_matches, supplier_row_batches
from brokerage.matching.supplier_model import OpportunityQuery
from tests.helpers import matches as listed
from tests.helpers.bulk_rows import rows_of
from tests.helpers.supplier_rebuild import GivenSupplierScene
from tests.matching.strategies import CATALOGUE, opportunities, supplier_lists

POSTCODES = ("OX4 2JY", "OX1 1ND", "OX4 4HH", "OX4 1JE", "OX16 5AA")


def _busy_county(county) -> None:
    """Enough offers and seekers of both kinds that two workers each rank several seekers,
    and offers' rankings (top 2 in tests) fill and push out."""
    listed.set_profile(county, "cleaners", (listed.CLEANING,))
    listed.set_profile(county, "caterers", (listed.CATERING,))
    measures = (listed.READING, listed.VOLUNTEERING, listed.JOBS)
    for n, owner in enumerate(("readers", "printers", "cleaners", "caterers") * 2):
        title = ("Reading volunteers", "Cleaning jobs", "Kitchen jobs", "Mentors")[n % 4]
        county.list("offer", owner, **listed.offer(title, POSTCODES[n % 5], measures[n % 3]))
    for n, postcode in enumerate(POSTCODES):
        county.list("need", ("arch", "parents")[n % 2], **listed.reading_need(postcode=postcode))
    for n, title in enumerate(("Cleaning jobs", "Kitchen jobs", "Reading in schools", "Jobs")):
        county.list(
            "opportunity",
            "buyer",
            title=title,
            postcode=POSTCODES[n],
            trades=((listed.CLEANING, listed.CATERING)[n % 2],),
            measures={"OIEP-J1": Decimal(3)},
            weights={"OIEP-J1": Decimal(1)},
        )


def _stored(table: Table) -> dict[tuple, dict]:
    """Every row of `table` by its pair, all its columns but the id and the time."""
    rows = db.session.execute(select(table)).mappings()
    kept = [{k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in rows]
    pair = [c for c in ("offer_id", "need_id", "opportunity_id", "organisation_id") if c in table.c]
    return {tuple(row[c] for c in pair): row for row in kept}


def _rebuilt_in(processes: int, app, in_app, monkeypatch) -> tuple[dict, dict]:
    monkeypatch.setitem(app.config, "MATCH_REBUILD_PROCESSES", processes)

    def run() -> tuple[dict, dict]:
        rebuild()
        rebuild_supplier_matches()
        db.session.commit()
        return _stored(Match.__table__), _stored(SupplierMatch.__table__)

    return in_app(run)


def test_a_rebuild_in_two_worker_processes_stores_what_one_process_stores(
    app, county, in_app, monkeypatch
):
    _busy_county(county)
    offers, suppliers = _rebuilt_in(1, app, in_app, monkeypatch)
    assert {"need" if row["need_id"] else "opportunity" for row in offers.values()} == {
        "need",
        "opportunity",
    }
    assert any(row["offer_rank"] and not row["seeker_rank"] for row in offers.values())
    assert any(row["reasons"] for row in offers.values())
    assert any(row["supplier_rank"] and row["reasons"] for row in suppliers.values())
    assert _rebuilt_in(2, app, in_app, monkeypatch) == (offers, suppliers)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(opportunities(), min_size=2, max_size=6), supplier_lists(), st.integers(2, 3))
def test_supplier_rows_from_worker_processes_are_those_of_one_process(
    queries, candidates, processes
):
    found = GivenSupplierScene(candidates, queries, CATALOGUE, [-1] * len(queries))
    alone = rows_of(supplier_row_batches(found, processes=1))
    again = GivenSupplierScene(candidates, queries, CATALOGUE, [-1] * len(queries))
    in_workers = rows_of(supplier_row_batches(again, processes=processes))
    assert [_without_time(row) for row in in_workers] == [_without_time(row) for row in alone]


def _without_time(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "computed_at"}


def test_an_error_in_a_worker_reaches_the_rebuild_and_no_worker_is_left(monkeypatch):
    def fails(found: object, j: int) -> None:
        raise ValueError(f"opportunity {j} could not be scored")

    monkeypatch.setattr(GivenSupplierScene, "opportunity_scores", fails)
    queries = [OpportunityQuery(450_000.0, 206_000.0, text="Cleaning") for _ in range(4)]
    found = GivenSupplierScene([], queries, CATALOGUE, [-1] * 4)
    with pytest.raises(ValueError, match="could not be scored"):
        list(supplier_row_batches(found, processes=2))
    assert multiprocessing.active_children() == []
