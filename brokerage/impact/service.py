"""The partnership's verified social value, for everyone to see: totals in £ (only where a
proxy value gave one) and in units, by theme, district and year; how many organisations
and verified matches; the case studies staff chose; and per supplier what it offered,
delivered and had verified (suppliers.py), where alone an unverified claim appears, marked
as one. No personal data: organisation names and listing titles are the only names it
holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..charts import Tally, tallies
from ..extensions import db
from ..formatting import format_quantity
from ..matches.models import Match
from ..places.districts import area_districts
from ..places.map import CountyMap, shaded_map
from ..places.service import priority_places
from ..toms.service import current_measures
from ..types import utcnow
from ..workflow.models import Delivery
from ..workflow.states import InvalidTransition, State
from .models import CaseStudy
from .suppliers import SupplierFigures, pounds_cell, supplier_figures, supplier_json

NO_THEME = "Measure not in the catalogue in force"


@dataclass(frozen=True)
class PublicCaseStudy:
    offer_title: str
    provider: str
    seeker_title: str
    seeker: str
    district: str
    text: str


@dataclass(frozen=True)
class Impact:
    total: Tally
    by_theme: list[Tally]
    by_district: list[Tally]
    by_year: list[Tally]
    organisations: int
    case_studies: list[PublicCaseStudy]
    # Per supplier: offered, delivered and verified (see suppliers.py).
    suppliers: list[SupplierFigures]

    @property
    def matches(self) -> int:
        return len(self.total.outcomes)


def _verified_deliveries() -> list[Delivery]:
    return list(
        db.session.scalars(
            select(Delivery)
            .join(Match)
            .where(Match.state == State.VERIFIED.value)
            .options(selectinload(Delivery.lines), selectinload(Delivery.match))
            .order_by(Delivery.delivered_to, Delivery.id)
        )
    )


def impact() -> Impact:
    themes = {m.code: m.theme.name for m in current_measures()}
    deliveries = _verified_deliveries()
    rows = [
        (d, line.unit, line.quantity, line.value_pence, themes.get(line.measure_code, NO_THEME))
        for d in deliveries
        for line in d.lines
    ]
    total = Tally("All verified outcomes")
    for d, unit, quantity, pence, _ in rows:
        total.add(d.match_id, unit, quantity, pence)
    organisations = {d.match.offer.organisation_id for d in deliveries} | {
        d.match.seeker.organisation_id for d in deliveries
    }
    return Impact(
        total=total,
        by_theme=tallies([(theme, d.match_id, u, q, p) for d, u, q, p, theme in rows]),
        by_district=tallies(
            [(d.match.seeker.district, d.match_id, u, q, p) for d, u, q, p, _ in rows]
        ),
        by_year=sorted(
            tallies([(str(d.delivered_to.year), d.match_id, u, q, p) for d, u, q, p, _ in rows]),
            key=lambda t: t.label,
        ),
        organisations=len(organisations),
        case_studies=shown_case_studies(),
        suppliers=supplier_figures(),
    )


def every_district(by_district: list[Tally]) -> list[Tally]:
    """The partnership's districts, with nothing where nothing was verified, then any other
    group (a postcode outside the area or of no known district)."""
    districts = area_districts()
    found = {tally.label: tally for tally in by_district}
    others = [tally for tally in by_district if tally.label not in districts]
    return [found.get(name) or Tally(name) for name in districts] + others


def outcomes_map(map_id: str, by_district: Sequence[Tally]) -> CountyMap:
    """The area's districts shaded by their verified outcomes (£ and units cannot be added
    across measures), with the priority places outlined by their wards."""
    return shaded_map(
        map_id,
        "Verified outcomes by district, with the priority places",
        "verified outcome",
        {tally.label: len(tally.outcomes) for tally in by_district},
        [(place.name, [ward.ward_name for ward in place.wards]) for place in priority_places()],
    )


def shown_case_studies() -> list[PublicCaseStudy]:
    """Case studies staff chose, of matches still verified, newest choice first."""
    chosen = db.session.scalars(
        select(CaseStudy)
        .join(Match)
        .where(CaseStudy.shown, Match.state == State.VERIFIED.value)
        .order_by(CaseStudy.chosen_at.desc(), CaseStudy.id.desc())
    )
    return [
        PublicCaseStudy(
            offer_title=c.match.offer.title,
            provider=c.match.offer.organisation.name,
            seeker_title=c.match.seeker.title,
            seeker=c.match.seeker.organisation.name,
            district=c.match.seeker.district,
            text=c.text,
        )
        for c in chosen
    ]


def case_study_of(match: Match) -> CaseStudy | None:
    return db.session.scalar(select(CaseStudy).where(CaseStudy.match_id == match.id))


def save_case_study(match: Match, actor: User, shown: bool, text: str) -> CaseStudy:
    """Staff choose (or stop showing) a verified match as a case study, with its text."""
    if match.state != State.VERIFIED.value:
        raise InvalidTransition("Only a verified outcome can be a case study.")
    study = case_study_of(match) or CaseStudy(match_id=match.id)
    study.shown, study.text = shown, text.strip()
    study.chosen_by_id, study.chosen_at = actor.id, utcnow()
    db.session.add(study)
    db.session.flush()
    return study


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "label": tally.label,
        "outcomes": len(tally.outcomes),
        "value_pence": tally.pence,
        "units": [
            {"unit": unit, "quantity": format_quantity(quantity)}
            for unit, quantity in sorted(tally.units.items())
        ],
    }


def impact_json(found: Impact) -> dict[str, Any]:
    """The public figures as JSON (GET /api/v1/impact)."""
    return {
        "verified_matches": found.matches,
        "organisations": found.organisations,
        "total": _tally_json(found.total),
        "by_theme": [_tally_json(t) for t in found.by_theme],
        "by_district": [_tally_json(t) for t in found.by_district],
        "by_year": [_tally_json(t) for t in found.by_year],
        "case_studies": [vars(c) for c in found.case_studies],
        "suppliers": [supplier_json(s) for s in found.suppliers],
    }


CSV_HEADINGS = ("Breakdown", "Group", "Verified outcomes", "Unit", "Quantity", "Value (GBP)")


def impact_rows(found: Impact) -> list[list[str | int]]:
    """One row per group and unit; the £ value (where any) on the group's first row."""
    rows: list[list[str | int]] = []
    for breakdown, groups in (
        ("Total", [found.total]),
        ("Theme", found.by_theme),
        ("District", found.by_district),
        ("Year", found.by_year),
    ):
        for tally in groups:
            for index, (unit, quantity) in enumerate(sorted(tally.units.items())):
                pounds = pounds_cell(tally.pence) if index == 0 else ""
                rows.append(
                    [
                        breakdown,
                        tally.label,
                        len(tally.outcomes),
                        unit,
                        format_quantity(quantity),
                        pounds,
                    ]
                )
    return rows
