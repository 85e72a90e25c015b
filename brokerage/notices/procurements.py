"""What a procurement's merged facts become in the brokerage, whichever path writes them
(the row-by-row path in service.py or the bulk path in bulk.py): the procurement's
columns and criteria, its opportunity's fields, and the status the opportunity should
have. Reads nothing from the database and writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..accounts.models import Organisation, OrganisationKind
from ..listings import cpv
from ..listings.choices import Category, ListingStatus
from ..listings.columns import OpportunityFields
from ..places.lookup import locate_postcode
from ..places.postcodes import InvalidPostcode, normalise_postcode
from ..types import utcnow
from . import ocds
from .models import SocialValueCriterion
from .report import ImportReport


def procurement_columns(facts: ocds.NoticeFacts, releases: list[dict[str, Any]]) -> dict[str, Any]:
    """The procurement's columns from its facts, but for its buyer and `withdrawn_at`."""
    return {
        "title": (facts.title or facts.ocid)[:300],
        "notice_type": facts.notice_type[:30],
        "notice_url": facts.notice_url,
        "value_pence": facts.value_pence,
        "deadline": facts.deadline,
        "contract_starts_on": facts.starts_on,
        "contract_ends_on": facts.ends_on,
        "delivery_postcode": place_of(facts, None),
        "suitable_for_sme": facts.suitable_for_sme,
        "suitable_for_vcse": facts.suitable_for_vcse,
        "releases": releases,
    }


def withdrawn_at(facts: ocds.NoticeFacts, before: datetime | None) -> datetime | None:
    """When the procurement was first seen withdrawn: kept once set."""
    return before or (utcnow() if facts.is_withdrawn else None)


def criteria_of(facts: ocds.NoticeFacts) -> list[tuple[str, str, Decimal | None]]:
    """(name, description, weight) of each social value criterion, as stored."""
    return [(c.name[:300], c.description, c.weight_percent) for c in facts.criteria]


def opportunity_fields(
    facts: ocds.NoticeFacts,
    buyer: Organisation,
    measures: dict[str, Decimal],
    weights: dict[str, Decimal],
    report: ImportReport,
) -> OpportunityFields | None:
    """The opportunity's fields (keeping the measures staff gave an existing one), or None,
    noted in the report with why, when no opportunity can be made."""
    if buyer.kind != OrganisationKind.BUYER.value:
        report.note(facts.ocid, f"{buyer.name} is not a buyer here, so no opportunity was made.")
        return None
    if facts.deadline is None:
        report.note(facts.ocid, "no deadline yet: its opportunity waits for a tender notice.")
        return None
    postcode = place_of(facts, buyer)
    if postcode is None:
        report.note(facts.ocid, "no postcode that could be placed: no opportunity was made.")
        return None
    codes = [code for code in facts.cpv_codes if cpv.lookup(code)]
    for unknown in sorted(set(facts.cpv_codes) - set(codes)):
        report.note(facts.ocid, f"CPV code {unknown[:20]} is not in the vocabulary: left out.")
    return OpportunityFields(
        title=(facts.title or f"Procurement {facts.ocid}")[:160],
        description=_description(facts),
        category=Category.OTHER.value,
        postcode=postcode,
        estimated_value_pence=facts.value_pence or None,
        deadline=facts.deadline,
        measures=measures,
        weights=weights,
        trades=tuple(codes),
        notice_url=facts.notice_url,
    )


@dataclass(frozen=True)
class StatusChange:
    status: str
    published_at: datetime | None
    counted_as: str  # the report's count: "opportunity:closed" ...


def status_change(
    facts: ocds.NoticeFacts, status: str, on: date, publish_at_once: bool
) -> StatusChange | None:
    """Withdrawn, or past its deadline on `on`: closed (archived), never shown as open. A
    setting publishes the others at once; otherwise the buyer or staff publish them."""
    if facts.is_withdrawn or (facts.deadline and facts.deadline < on):
        if status == ListingStatus.ARCHIVED.value:
            return None
        counted = "opportunity:withdrawn" if facts.is_withdrawn else "opportunity:closed"
        return StatusChange(ListingStatus.ARCHIVED.value, None, counted)
    if publish_at_once and status == ListingStatus.DRAFT.value:
        return StatusChange(ListingStatus.PUBLISHED.value, utcnow(), "opportunity:published")
    return None


def place_of(facts: ocds.NoticeFacts, buyer: Organisation | None) -> str | None:
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
