"""The bulk path (new procurements inserted a statement per table) writes exactly what the
row-by-row path writes: every column of every row the import touches, compared for the
fixture files imported one after the other, a later release included."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import Table, select

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.models import Opportunity, OpportunityMeasure, OpportunityTrade
from brokerage.notices.models import (
    Award,
    ImportedOrganisation,
    PartyIdentifier,
    Procurement,
    SocialValueCriterion,
)
from brokerage.notices.service import ImportSettings, import_file
from tests.factories import PriorityPlacePrefixFactory, PriorityPlaceWardFactory
from tests.helpers.notices import FIXTURES, IMPORT_DAY

# In file order: tenders, a record package, awards, Contracts Finder, then a later release
# of a procurement imported before (which always goes row by row).
FILES = (
    "fts-tender-grounds.json",
    "fts-record-package.json",
    "fts-awards.json",
    "contracts-finder-releases.jsonl",
    "fts-tender-grounds-amended.json",
)
TABLES = (
    Organisation,
    ImportedOrganisation,
    PartyIdentifier,
    Opportunity,
    OpportunityMeasure,
    OpportunityTrade,
    Procurement,
    SocialValueCriterion,
    Award,
)
AFTER_EVERY_DEADLINE = date(2027, 12, 1)


def _import_all(settings: ImportSettings) -> tuple[list[str], dict[str, list[tuple[Any, ...]]]]:
    """Each fixture file imported (as the command does, flushed and read afresh between
    files), and what the database then holds."""
    reports = []
    for name in FILES:
        reports.append(import_file(FIXTURES / name, settings).summary())
        db.session.flush()
        db.session.expire_all()
    return reports, _snapshot()


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table the import writes, with ids replaced by what they name
    (an organisation's name, a procurement's ocid) and times by whether they are set."""
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    ocids = dict(db.session.execute(select(Procurement.id, Procurement.ocid)).all())
    opportunities = dict(
        db.session.execute(select(Procurement.opportunity_id, Procurement.ocid)).all()
    )
    meaning = {
        "organisation_id": names,
        "buyer_id": names,
        "supplier_id": names,
        "procurement_id": ocids,
        "opportunity_id": opportunities,
    }
    snapshot = {}
    for model in TABLES:
        table: Table = model.__table__  # type: ignore[assignment]
        rows = []
        for row in db.session.execute(select(table)).mappings():
            rows.append(
                tuple(
                    (column, _plain(column, value, meaning))
                    for column, value in sorted(row.items())
                    if not (column == "id" and table.c.id.primary_key)
                )
            )
        snapshot[table.name] = sorted(rows, key=repr)
    return snapshot


def _plain(column: str, value: Any, meaning: dict[str, dict[Any, str]]) -> Any:
    if column == "id":  # an opportunity's own id, as the procurement that made it
        return meaning["opportunity_id"].get(value, value)
    if column in meaning:
        return meaning[column].get(value, value)
    if isinstance(value, datetime):
        return "set"
    return value


@pytest.mark.parametrize("publish_at_once", [False, True])
@pytest.mark.parametrize("import_day", [IMPORT_DAY, AFTER_EVERY_DEADLINE])
def test_the_bulk_path_writes_what_the_row_by_row_path_writes(
    in_app, monkeypatch, publish_at_once, import_day
):
    monkeypatch.setattr("brokerage.notices.service.today", lambda: import_day)

    def compare():
        # A priority place by prefix and one by ward, so listings are placed in them.
        PriorityPlacePrefixFactory(prefix="OX4 4")
        PriorityPlaceWardFactory()
        db.session.flush()
        paths = {}
        for in_bulk in (False, True):
            with db.session.begin_nested() as each:
                settings = ImportSettings(publish_at_once=publish_at_once, in_bulk=in_bulk)
                paths[in_bulk] = _import_all(settings)
                each.rollback()
        return paths

    paths = in_app(compare)
    (row_reports, row_by_row), (bulk_reports, bulk) = paths[False], paths[True]
    assert bulk_reports == row_reports
    assert bulk == row_by_row
    # The comparison is of something: opportunities, trades and awards were written.
    assert len(bulk["opportunities"]) >= 3
    assert bulk["opportunity_trades"]
    assert bulk["notice_awards"]
    assert any(dict(row)["priority_place"] for row in bulk["opportunities"])
