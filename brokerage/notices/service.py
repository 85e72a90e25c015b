"""Importing OCDS notice files: each procurement in the partnership's area merged from its
releases (ocdsmerge), its buyer and suppliers found or created, its opportunity made or
updated, its awards recorded. Never commits: the command commits once per file.

A file that cannot be read is refused whole. Each procurement is read in full before
anything of it is written: one the import cannot read (an unknown notice type, an amount
that is not a number) is left out whole and named in the report, the others go in.
Importing the same releases again changes nothing; a later release merges with those
imported before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import Organisation, OrganisationKind
from ..errors import BrokerageError
from ..extensions import db
from ..listings.models import Opportunity
from ..listings.service import create_listing, today, update_listing
from ..places.book import PlaceBook
from ..types import utcnow
from . import ocds
from .area import Area
from .awards import sync_awards
from .bulk import BulkWriter
from .models import Procurement, SocialValueCriterion
from .parties import PartyFinder, partnership_buyer_ids
from .procurements import (
    StatusChange,
    criteria_of,
    opportunity_fields,
    procurement_columns,
    status_change,
    withdrawn_at,
)
from .reader import NoticeFileInvalid, releases_in
from .report import ImportReport


@dataclass(frozen=True)
class ImportSettings:
    regions: tuple[str, ...] = ("UKJ14",)
    buyer_ids: tuple[str, ...] = ()
    publish_at_once: bool = False
    max_file_mb: int = 1024
    # New procurements are inserted a statement per table (bulk.py); False sends each
    # through the listings service one at a time: the reference the bulk path is tested
    # against, and the path procurements imported before always take.
    in_bulk: bool = True


def import_file(path: Path, settings: ImportSettings) -> ImportReport:
    report = ImportReport(path.name)
    size_mb = path.stat().st_size / 1_000_000
    if size_mb > settings.max_file_mb:
        report.refused = (
            f"It is {size_mb:,.0f} MB, over the {settings.max_file_mb:,} MB limit "
            "(NOTICES_MAX_FILE_MB): split it, or raise the limit."
        )
        return report
    try:
        grouped = _releases_in_area(path, settings, report)
    except NoticeFileInvalid as error:
        report.refused = str(error)
        return report
    importer = _Importer(report, settings, today())
    prepared = importer.prepare_all(grouped)
    # Every buyer is one of its notice's parties, as are the suppliers it names.
    importer.finder.read_ahead(p for _, facts, _ in prepared for p in facts.parties.values())
    try:
        for procurement, facts, merged in prepared:
            importer.write(procurement, facts, merged)
        importer.bulk.write()
    except BrokerageError as error:
        report.refused = str(error)
        return report
    report.organisations_created = [o.name for o in importer.finder.created]
    return report


def _procurements(ocids: list[str], batch: int = 500) -> dict[str, Procurement]:
    """The procurements imported before, by ocid, read a batch at a time."""
    found: dict[str, Procurement] = {}
    for start in range(0, len(ocids), batch):
        chunk = ocids[start : start + batch]
        for procurement in db.session.scalars(
            select(Procurement).where(Procurement.ocid.in_(chunk))
        ):
            found[procurement.ocid] = procurement
    return found


def _load_for_update(procurements: list[Procurement], batch: int = 500) -> None:
    """Read the rows an update of these procurements compares with (their opportunity with
    its measures and trades, criteria and awards) a query per table and batch, not lazily
    one procurement at a time."""
    ids = [procurement.id for procurement in procurements]
    opportunity = selectinload(Procurement.opportunity)
    for start in range(0, len(ids), batch):
        db.session.scalars(
            select(Procurement)
            .where(Procurement.id.in_(ids[start : start + batch]))
            .options(
                opportunity.selectinload(Opportunity.measures),
                opportunity.selectinload(Opportunity.trades),
                selectinload(Procurement.criteria),
                selectinload(Procurement.awards),
            )
        ).all()


def _releases_in_area(
    path: Path, settings: ImportSettings, report: ImportReport
) -> dict[str, list[dict[str, Any]]]:
    """The releases of the procurements to import, by ocid in the order the file first
    names them. One pass keeps the releases of procurements in the area (or imported
    before), so only those are held in memory; a procurement that a later release puts in
    the area has its earlier releases read by a second pass (rare, and only then)."""
    area = Area.of(settings.regions, partnership_buyer_ids() | set(settings.buyer_ids))
    kept = set(db.session.scalars(select(Procurement.ocid)))
    first_seen: dict[str, int] = {}  # every ocid in the file, in file order
    passed_over: set[str] = set()
    late: set[str] = set()
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for release in releases_in(path):
        report.releases += 1
        ocid = release["ocid"]
        first_seen.setdefault(ocid, len(first_seen))
        if ocid not in kept and area.keeps(release):
            kept.add(ocid)
            if ocid in passed_over:
                late.add(ocid)
        if ocid in kept:
            grouped[ocid].append(release)
        else:
            passed_over.add(ocid)
    if late:
        grouped.update({ocid: [] for ocid in late})
        for release in releases_in(path):
            if release["ocid"] in late:
                grouped[release["ocid"]].append(release)
    report.procurements = len(first_seen)
    report.outside_area = len(first_seen.keys() - kept)
    return dict(sorted(grouped.items(), key=lambda item: first_seen[item[0]]))


# A procurement read, not yet written: as it was imported before (None if new), its facts
# and every release it is merged from.
Prepared = tuple[Procurement | None, ocds.NoticeFacts, list[dict[str, Any]]]


class _Importer:
    def __init__(self, report: ImportReport, settings: ImportSettings, on: date) -> None:
        self.report, self.settings, self.on = report, settings, on
        self.finder, self.places = PartyFinder(), PlaceBook()
        self.bulk = BulkWriter(report, self.finder, self.places, self.status_of)

    def prepare_all(self, grouped: dict[str, list[dict[str, Any]]]) -> list[Prepared]:
        """Every procurement read with its new releases, in file order, before anything is
        written; one that cannot be read is named in the report and left out."""
        existing = _procurements(list(grouped))
        found = []
        for ocid, releases in grouped.items():
            try:
                prepared = self.prepare(existing.get(ocid), releases)
            except ocds.NoticeInvalid as error:
                self.report.problems.append(f"{ocid}: {error}")
                continue
            if prepared is not None:
                found.append(prepared)
        _load_for_update([procurement for procurement, _, _ in found if procurement])
        return found

    def prepare(
        self, procurement: Procurement | None, releases: list[dict[str, Any]]
    ) -> Prepared | None:
        """Read the procurement with its new releases, writing nothing (so one that cannot
        be read leaves nothing behind); None when every release was imported before."""
        known = {ocds.release_key(r) for r in procurement.releases} if procurement else set()
        fresh = {ocds.release_key(r): r for r in releases if ocds.release_key(r) not in known}
        if not fresh:
            self.report.counts["procurement:unchanged"] += 1
            return None
        merged = [*(procurement.releases if procurement else []), *fresh.values()]
        facts = ocds.read_notice(merged)
        ocds.buyer_of(facts)  # a procurement without a buyer is refused before any write
        return procurement, facts, merged

    def write(
        self, procurement: Procurement | None, facts: ocds.NoticeFacts, merged: list[dict[str, Any]]
    ) -> None:
        if procurement is None and self.settings.in_bulk:
            self.bulk.add(facts, merged)
            return
        try:
            with db.session.no_autoflush:  # the listings service flushes when it must
                self.write_one(procurement, facts, merged)
        except BrokerageError as error:
            raise BrokerageError(f"{facts.ocid}: {error}") from error

    def write_one(
        self, procurement: Procurement | None, facts: ocds.NoticeFacts, merged: list[dict[str, Any]]
    ) -> None:
        """The row-by-row path: through the ORM and the listings service."""
        buyer = self.finder.organisation_for(ocds.buyer_of(facts), OrganisationKind.BUYER)
        if procurement is None:
            procurement = Procurement(ocid=facts.ocid[:120])
            db.session.add(procurement)
            self.report.counts["procurement:new"] += 1
        else:
            procurement.updated_at = utcnow()
            self.report.counts["procurement:updated"] += 1
        _copy_facts(procurement, facts, buyer, merged)
        if facts.seeks_suppliers or procurement.opportunity is not None:
            self.opportunity(procurement, facts, buyer)
        self.report.counts["award:recorded"] += sync_awards(procurement, facts, self.finder)

    def opportunity(
        self, procurement: Procurement, facts: ocds.NoticeFacts, buyer: Organisation
    ) -> None:
        opportunity = procurement.opportunity
        fields = opportunity_fields(
            facts,
            buyer,
            opportunity.targets if opportunity else {},
            opportunity.weights if opportunity else {},
            self.report,
        )
        if fields is None:
            return
        place = self.places.resolve(fields.postcode)  # opportunity_fields found it placeable
        if opportunity is None:
            opportunity = create_listing(buyer, fields, place)
            procurement.opportunity = opportunity
            self.report.counts["opportunity:created"] += 1
        else:
            update_listing(opportunity, fields, place)
            self.report.counts["opportunity:updated"] += 1
        change = self.status_of(facts, opportunity.status)
        if change is not None:
            opportunity.status = change.status
            opportunity.published_at = change.published_at or opportunity.published_at

    def status_of(self, facts: ocds.NoticeFacts, status: str) -> StatusChange | None:
        """The opportunity's new status, if it changes (counted in the report)."""
        change = status_change(facts, status, self.on, self.settings.publish_at_once)
        if change is not None:
            self.report.counts[change.counted_as] += 1
        return change


def _copy_facts(
    procurement: Procurement,
    facts: ocds.NoticeFacts,
    buyer: Organisation,
    releases: list[dict[str, Any]],
) -> None:
    procurement.buyer = buyer
    for name, value in procurement_columns(facts, releases).items():
        setattr(procurement, name, value)
    procurement.withdrawn_at = withdrawn_at(facts, procurement.withdrawn_at)
    wanted = criteria_of(facts)
    if [(c.name, c.description, c.weight_percent) for c in procurement.criteria] != wanted:
        procurement.criteria = [
            SocialValueCriterion(name=name, description=text, weight_percent=weight)
            for name, text, weight in wanted
        ]
