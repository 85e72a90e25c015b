"""Pledged against delivered, in public: per supplier and TOMs measure, what its published
offers offer, what it recorded as delivered and what the task force verified, so a claim
not yet verified shows as one.

Only suppliers with a published offer are named, and only published offers count as
offered: a draft stays private, as everywhere else. Delivered counts every delivery whose
match stands delivered or verified (a query or a rejection takes it out again); verified
counts those the task force verified. Quantities stay in each measure's unit; £ only where
a delivery's lines carry a value from the TOMs proxy values (offers have none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..formatting import format_quantity
from ..listings.choices import ListingStatus
from ..listings.models import Offer
from ..matches.models import Match
from ..toms.service import measures_by_code
from ..workflow.models import Delivery
from ..workflow.states import State

STANDING_DELIVERIES = (State.DELIVERED.value, State.VERIFIED.value)
CSV_HEADINGS = (
    "Supplier",
    "Measure code",
    "Measure",
    "Unit",
    "Offered",
    "Delivered (recorded)",
    "Verified",
    "Not yet verified",
    "Delivered value (GBP)",
    "Verified value (GBP)",
)


def _add_pence(total: int | None, pence: int | None) -> int | None:
    return total if pence is None else (total or 0) + pence


@dataclass
class MeasureFigures:
    """One supplier's figures for one measure, in `unit`."""

    code: str
    measure: str
    unit: str
    offered: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    verified: Decimal = Decimal(0)
    delivered_pence: int | None = None
    verified_pence: int | None = None

    @property
    def not_verified(self) -> Decimal:
        return self.delivered - self.verified

    def add_delivered(self, quantity: Decimal, pence: int | None, verified: bool) -> None:
        self.delivered += quantity
        self.delivered_pence = _add_pence(self.delivered_pence, pence)
        if verified:
            self.verified += quantity
            self.verified_pence = _add_pence(self.verified_pence, pence)


@dataclass
class SupplierFigures:
    name: str
    by_measure: dict[tuple[str, str], MeasureFigures] = field(default_factory=dict)

    @property
    def measures(self) -> list[MeasureFigures]:
        return [self.by_measure[key] for key in sorted(self.by_measure)]

    def figures(self, code: str, unit: str, measure: str) -> MeasureFigures:
        key = (code, unit or "units")
        if key not in self.by_measure:
            self.by_measure[key] = MeasureFigures(code, measure, key[1])
        return self.by_measure[key]


def _published_offers() -> list[Offer]:
    return list(
        db.session.scalars(
            select(Offer)
            .where(Offer.status == ListingStatus.PUBLISHED.value)
            .options(selectinload(Offer.measures), selectinload(Offer.organisation))
        )
    )


def _standing_deliveries(organisation_ids: set[int]) -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .join(Match, Delivery.match_id == Match.id)
            .join(Offer, Match.offer_id == Offer.id)
            .where(
                Match.state.in_(STANDING_DELIVERIES), Offer.organisation_id.in_(organisation_ids)
            )
            .options(
                selectinload(Delivery.lines),
                selectinload(Delivery.match).selectinload(Match.offer),
            )
        )
    )


def supplier_figures() -> list[SupplierFigures]:
    """Every supplier with a published offer, by name, with its figures per measure."""
    offers = _published_offers()
    suppliers = {o.organisation_id: SupplierFigures(o.organisation.name) for o in offers}
    deliveries = _standing_deliveries(set(suppliers))
    offered = [(o.organisation_id, row) for o in offers for row in o.measures]
    delivered = [(d.match, line) for d in deliveries for line in d.lines]
    catalogue = measures_by_code(
        {row.measure_code for _, row in offered} | {line.measure_code for _, line in delivered}
    )

    def figures(organisation_id: int, code: str, unit: str | None = None) -> MeasureFigures:
        measure = catalogue.get(code)
        if unit is None:
            unit = measure.unit if measure else ""
        name = measure.description if measure else code
        return suppliers[organisation_id].figures(code, unit, name)

    for organisation_id, row in offered:
        figures(organisation_id, row.measure_code).offered += row.quantity
    for match, line in delivered:
        verified = match.state == State.VERIFIED.value
        figures(match.offer.organisation_id, line.measure_code, line.unit).add_delivered(
            line.quantity, line.value_pence, verified
        )
    return sorted(suppliers.values(), key=lambda s: (s.name.casefold(), s.name))


def pounds_cell(pence: int | None) -> str:
    """A £ amount for a CSV cell (pounds and pence, no symbol); empty when there is none."""
    return "" if pence is None else str(Decimal(pence) / 100)


def supplier_json(supplier: SupplierFigures) -> dict[str, Any]:
    return {
        "name": supplier.name,
        "measures": [
            {
                "code": m.code,
                "measure": m.measure,
                "unit": m.unit,
                "offered": format_quantity(m.offered),
                "delivered": format_quantity(m.delivered),
                "verified": format_quantity(m.verified),
                "not_verified": format_quantity(m.not_verified),
                "delivered_value_pence": m.delivered_pence,
                "verified_value_pence": m.verified_pence,
            }
            for m in supplier.measures
        ],
    }


def supplier_rows(suppliers: list[SupplierFigures]) -> list[list[str]]:
    """One CSV row per supplier and measure, under CSV_HEADINGS."""
    return [
        [
            supplier.name,
            m.code,
            m.measure,
            m.unit,
            format_quantity(m.offered),
            format_quantity(m.delivered),
            format_quantity(m.verified),
            format_quantity(m.not_verified),
            pounds_cell(m.delivered_pence),
            pounds_cell(m.verified_pence),
        ]
        for supplier in suppliers
        for m in supplier.measures
    ]
