"""The bulk path of the notices import: procurements new to the brokerage, planned one at
a time in memory, then written with one statement per table (procurements, their
opportunities with trades, criteria, awards) instead of a flush and a listing service
call per procurement. What is written is what the row-by-row path writes: both take the
procurement's columns, the opportunity's fields and status from procurements.py, the
listing's rows from the listings service, and the awards from awards.py. Never commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from ..accounts.models import Organisation, OrganisationKind
from ..changes import announce
from ..errors import BrokerageError
from ..extensions import db, table_of
from ..listings.bulk_insert import NewListing, insert_listings, new_listing
from ..listings.choices import ListingStatus
from ..listings.columns import OpportunityFields
from ..listings.models import Opportunity
from ..places.book import PlaceBook
from ..places.postcodes import InvalidPostcode
from . import ocds
from .awards import AwardRow, award_rows
from .models import Award, Procurement, SocialValueCriterion
from .parties import PartyFinder
from .procurements import (
    StatusChange,
    criteria_of,
    opportunity_fields,
    procurement_columns,
    withdrawn_at,
)
from .report import ImportReport


@dataclass
class _Planned:
    """A new procurement, read and decided, waiting for its organisations' ids."""

    facts: ocds.NoticeFacts
    columns: dict[str, Any]
    buyer: Organisation
    opportunity: OpportunityFields | None
    status: StatusChange | None
    awards: list[AwardRow]


class BulkWriter:
    """Collects new procurements (`add`), then writes them all (`write`)."""

    def __init__(
        self,
        report: ImportReport,
        finder: PartyFinder,
        places: PlaceBook,
        status_of: Callable[[ocds.NoticeFacts, str], StatusChange | None],
    ) -> None:
        self.report, self.finder, self.places = report, finder, places
        self.status_of = status_of
        self.planned: list[_Planned] = []

    def add(self, facts: ocds.NoticeFacts, releases: list[dict[str, Any]]) -> None:
        """Plan a procurement imported for the first time, counting it as the row-by-row
        path would; its organisations are found or created now (not flushed)."""
        with db.session.no_autoflush:
            buyer = self.finder.organisation_for(ocds.buyer_of(facts), OrganisationKind.BUYER)
            self.report.counts["procurement:new"] += 1
            columns = procurement_columns(facts, releases)
            columns["withdrawn_at"] = withdrawn_at(facts, None)
            fields = None
            if facts.seeks_suppliers:
                fields = opportunity_fields(facts, buyer, {}, {}, self.report)
            status = None
            if fields is not None:
                self.report.counts["opportunity:created"] += 1
                status = self.status_of(facts, ListingStatus.DRAFT.value)
            awards = award_rows(facts, self.finder)
        self.report.counts["award:recorded"] += len(awards)
        self.planned.append(_Planned(facts, columns, buyer, fields, status, awards))

    def write(self) -> None:
        """Insert everything planned. BrokerageError, naming the procurement, for one whose
        opportunity breaks a listing rule (nothing is written then: the caller rolls back)."""
        if not self.planned:
            return
        db.session.flush()  # the organisations this import created: their ids
        opportunity_ids = iter(
            insert_listings(Opportunity, [self._listing(p) for p in self.planned if p.opportunity])
        )
        table = table_of(Procurement)
        procurement_ids = list(
            db.session.scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [
                    p.columns
                    | {
                        "ocid": p.facts.ocid[:120],
                        "buyer_id": p.buyer.id,
                        "opportunity_id": next(opportunity_ids) if p.opportunity else None,
                    }
                    for p in self.planned
                ],
            )
        )
        self._insert_rows(procurement_ids)
        announce("notices")

    def _listing(self, planned: _Planned) -> NewListing:
        """The opportunity's rows, as `create_listing` would make it, in its status."""
        fields = planned.opportunity
        assert fields is not None  # noqa: S101  (only procurements with one come here)
        try:
            listing = new_listing(planned.buyer, fields, self.places.resolve(fields.postcode))
        except (BrokerageError, InvalidPostcode) as error:
            raise BrokerageError(f"{planned.facts.ocid}: {error}") from error
        status = planned.status
        if status is not None:
            listing.columns["status"] = status.status
        listing.columns["published_at"] = status.published_at if status else None
        return listing

    def _insert_rows(self, procurement_ids: list[int]) -> None:
        criteria, awards = [], []
        for planned, procurement_id in zip(self.planned, procurement_ids, strict=True):
            criteria += [
                {
                    "procurement_id": procurement_id,
                    "name": name,
                    "description": text,
                    "weight_percent": weight,
                }
                for name, text, weight in criteria_of(planned.facts)
            ]
            awards += [
                {
                    "procurement_id": procurement_id,
                    "award_id": row.award_id,
                    "supplier_id": row.supplier.id,
                    **row.values,
                }
                for row in planned.awards
            ]
        for model, rows in ((SocialValueCriterion, criteria), (Award, awards)):
            if rows:
                db.session.execute(insert(table_of(model)), rows)
