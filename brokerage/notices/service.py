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
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..accounts.models import Organisation, OrganisationKind
from ..errors import BrokerageError
from ..extensions import db
from ..listings import cpv
from ..listings.choices import Category, ListingStatus
from ..listings.models import Opportunity
from ..listings.service import OpportunityFields, create_listing, today, update_listing
from ..places.lookup import locate_postcode
from ..places.postcodes import InvalidPostcode, normalise_postcode
from ..types import utcnow
from . import ocds
from .area import Area
from .awards import sync_awards
from .models import Procurement, SocialValueCriterion
from .parties import PartyFinder, partnership_buyer_ids
from .reader import NoticeFileInvalid, releases_in
from .report import ImportReport


@dataclass(frozen=True)
class ImportSettings:
    regions: tuple[str, ...] = ("UKJ14",)
    buyer_ids: tuple[str, ...] = ()
    publish_at_once: bool = False
    max_file_mb: int = 1024


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
    importer = _Importer(report, settings)
    existing = _procurements(list(grouped))
    for ocid, releases in grouped.items():
        try:
            prepared = importer.prepare(existing.get(ocid), releases)
        except ocds.NoticeInvalid as error:
            report.problems.append(f"{ocid}: {error}")
            continue
        try:
            if prepared is not None:
                with db.session.no_autoflush:  # the listings service flushes when it must
                    importer.write(*prepared)
        except BrokerageError as error:
            report.refused = f"{ocid}: {error}"
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


def _releases_in_area(
    path: Path, settings: ImportSettings, report: ImportReport
) -> dict[str, list[dict[str, Any]]]:
    """Two passes over the file: which procurements to keep, then their releases (so only
    the area's are held in memory). Procurements imported before are always kept."""
    area = Area.of(settings.regions, partnership_buyer_ids() | set(settings.buyer_ids))
    ocids: set[str] = set()
    kept = set(db.session.scalars(select(Procurement.ocid)))
    for release in releases_in(path):
        report.releases += 1
        ocids.add(release["ocid"])
        if release["ocid"] not in kept and area.keeps(release):
            kept.add(release["ocid"])
    report.procurements = len(ocids)
    report.outside_area = len(ocids - kept)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for release in releases_in(path):
        if release["ocid"] in kept:
            grouped[release["ocid"]].append(release)
    return grouped


class _Importer:
    def __init__(self, report: ImportReport, settings: ImportSettings) -> None:
        self.report, self.settings = report, settings
        self.finder = PartyFinder()

    def prepare(
        self, procurement: Procurement | None, releases: list[dict[str, Any]]
    ) -> tuple[Procurement | None, ocds.NoticeFacts, list[dict[str, Any]]] | None:
        """Read the procurement with its new releases, writing nothing (so one that cannot
        be read leaves nothing behind); None when every release was imported before."""
        known = {ocds.release_key(r) for r in procurement.releases} if procurement else set()
        fresh = {ocds.release_key(r): r for r in releases if ocds.release_key(r) not in known}
        if not fresh:
            self.report.counts["procurement:unchanged"] += 1
            return None
        merged = [*(procurement.releases if procurement else []), *fresh.values()]
        facts = ocds.read_notice(merged)
        if facts.buyer is None:
            raise ocds.NoticeInvalid("it names no buyer (no party with the role buyer).")
        return procurement, facts, merged

    def write(
        self, procurement: Procurement | None, facts: ocds.NoticeFacts, merged: list[dict[str, Any]]
    ) -> None:
        buyer = self.finder.organisation_for(facts.buyer, OrganisationKind.BUYER)  # type: ignore[arg-type]
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
        if buyer.kind != OrganisationKind.BUYER.value:
            self.note(facts, f"{buyer.name} is not a buyer here, so no opportunity was made.")
            return
        if facts.deadline is None:
            self.note(facts, "no deadline yet: its opportunity waits for a tender notice.")
            return
        postcode = _place_of(facts, buyer)
        if postcode is None:
            self.note(facts, "no postcode that could be placed: no opportunity was made.")
            return
        codes = [code for code in facts.cpv_codes if cpv.lookup(code)]
        for unknown in sorted(set(facts.cpv_codes) - set(codes)):
            self.note(facts, f"CPV code {unknown[:20]} is not in the vocabulary: left out.")
        fields = OpportunityFields(
            title=(facts.title or f"Procurement {facts.ocid}")[:160],
            description=_description(facts),
            category=Category.OTHER.value,
            postcode=postcode,
            estimated_value_pence=facts.value_pence or None,
            deadline=facts.deadline,
            measures=opportunity.targets if opportunity else {},
            weights=opportunity.weights if opportunity else {},
            trades=tuple(codes),
            notice_url=facts.notice_url,
        )
        if opportunity is None:
            opportunity = create_listing(buyer, fields)
            procurement.opportunity = opportunity
            self.report.counts["opportunity:created"] += 1
        else:
            update_listing(opportunity, fields)
            self.report.counts["opportunity:updated"] += 1
        self.set_status(opportunity, facts)

    def set_status(self, opportunity: Opportunity, facts: ocds.NoticeFacts) -> None:
        """Withdrawn, or past its deadline: closed (archived), never shown as open. A
        setting publishes the others at once; otherwise the buyer or staff publish them."""
        if facts.is_withdrawn or (facts.deadline and facts.deadline < today()):
            if opportunity.status != ListingStatus.ARCHIVED.value:
                opportunity.status = ListingStatus.ARCHIVED.value
                self.report.counts[
                    "opportunity:withdrawn" if facts.is_withdrawn else "opportunity:closed"
                ] += 1
        elif self.settings.publish_at_once and opportunity.status == ListingStatus.DRAFT.value:
            opportunity.status = ListingStatus.PUBLISHED.value
            opportunity.published_at = utcnow()
            self.report.counts["opportunity:published"] += 1

    def note(self, facts: ocds.NoticeFacts, text: str) -> None:
        self.report.notes.append(f"{facts.ocid}: {text}")


def _copy_facts(
    procurement: Procurement,
    facts: ocds.NoticeFacts,
    buyer: Organisation,
    releases: list[dict[str, Any]],
) -> None:
    procurement.buyer = buyer
    procurement.title = (facts.title or facts.ocid)[:300]
    procurement.notice_type = facts.notice_type[:30]
    procurement.notice_url = facts.notice_url
    procurement.value_pence = facts.value_pence
    procurement.deadline = facts.deadline
    procurement.contract_starts_on, procurement.contract_ends_on = facts.starts_on, facts.ends_on
    procurement.delivery_postcode = _place_of(facts, None)
    procurement.suitable_for_sme = facts.suitable_for_sme
    procurement.suitable_for_vcse = facts.suitable_for_vcse
    if facts.is_withdrawn and procurement.withdrawn_at is None:
        procurement.withdrawn_at = utcnow()
    procurement.releases = releases
    wanted = [(c.name[:300], c.description, c.weight_percent) for c in facts.criteria]
    if [(c.name, c.description, c.weight_percent) for c in procurement.criteria] != wanted:
        procurement.criteria = [
            SocialValueCriterion(name=name, description=text, weight_percent=weight)
            for name, text, weight in wanted
        ]


def _place_of(facts: ocds.NoticeFacts, buyer: Organisation | None) -> str | None:
    """The first delivery postcode on the map, else (given the buyer) the buyer's."""
    written = [*facts.delivery_postcodes]
    if buyer is not None:
        written += [facts.buyer.postcode if facts.buyer else "", buyer.postcode]
    for text in written:
        try:
            postcode = normalise_postcode(text)
        except InvalidPostcode:
            continue
        if locate_postcode(postcode) is not None:
            return postcode
    return None


def criterion_text(criterion: SocialValueCriterion | ocds.Criterion) -> str:
    """How a social value criterion is shown: "social value: 10% of the score"."""
    if criterion.weight_percent is None:
        return f"{criterion.name}: weight not stated"
    return f"{criterion.name}: {criterion.weight_percent.normalize():f}% of the score"


def _description(facts: ocds.NoticeFacts) -> str:
    lines = [facts.description] if facts.description else []
    lines += [f"Social value criterion — {criterion_text(c)}." for c in facts.criteria]
    return "\n\n".join(lines)
