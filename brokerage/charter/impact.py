"""Gather one financial year's charter records (or a quarter's) for the impact report.

In the year: approved signees with a term overlapping it, their approved pledges, and the
records of check-ins held within it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ..accounts.models import Organisation
from ..extensions import db
from ..listings.choices import Size
from ..places.districts import UNKNOWN, district_of
from ..places.postcodes import InvalidPostcode
from .choices import CheckInKind, PledgeProgress, Sector, SigneeStatus, Unit
from .models import CheckIn, CheckInRecord, SignedPledge, Signee, Term
from .pledges import current_pledges
from .report import ImpactReport, PledgeRow, RecordRow, SigneeRow, build_report
from .schedule import financial_year, financial_year_bounds


def impact_report(year: int) -> ImpactReport:
    return _impact(year, *financial_year_bounds(year))


def impact_between(starts_on: date, ends_on: date) -> ImpactReport:
    """The same report over part of a year (the partnership board's quarter): signees with
    a term overlapping the days, their pledges, and the check-ins held in them."""
    return _impact(financial_year(starts_on), starts_on, ends_on, period=(starts_on, ends_on))


def _impact(
    year: int, starts_on: date, ends_on: date, period: tuple[date, date] | None = None
) -> ImpactReport:
    signees = _signees_in_year(starts_on, ends_on)
    signee_ids = [signee.id for signee in signees]
    chosen = db.session.execute(
        select(SignedPledge.signee_id, SignedPledge.pledge_id).where(
            SignedPledge.signee_id.in_(signee_ids), SignedPledge.approved_at.is_not(None)
        )
    ).all()
    return build_report(
        year,
        pledges=[PledgeRow(p.id, p.code, p.current.title, p.code_note) for p in current_pledges()],
        signees=signees,
        chosen=[(row.signee_id, row.pledge_id) for row in chosen],
        records=_records_held(signee_ids, starts_on, ends_on),
        period=period,
    )


def _signees_in_year(starts_on: date, ends_on: date) -> list[SigneeRow]:
    with_a_term = select(Term.signee_id).where(Term.starts_on <= ends_on, Term.ends_on > starts_on)
    rows = db.session.execute(
        select(Signee.id, Signee.sector, Signee.size, Organisation.postcode)
        .join(Signee.organisation)
        .where(Signee.status == SigneeStatus.APPROVED, Signee.id.in_(with_a_term.scalar_subquery()))
    ).all()
    return [
        SigneeRow(row.id, Sector(row.sector), Size(row.size), _district(row.postcode))
        for row in rows
    ]


def _district(postcode: str) -> str:
    try:
        return district_of(postcode)
    except InvalidPostcode:
        return UNKNOWN


def _records_held(signee_ids: list[int], starts_on: date, ends_on: date) -> list[RecordRow]:
    rows = db.session.execute(
        select(CheckInRecord, CheckIn, SignedPledge.signee_id, SignedPledge.pledge_id)
        .add_columns(Organisation.name)
        .join(CheckInRecord.check_in)
        .join(CheckInRecord.signed_pledge)
        .join(Signee, Signee.id == SignedPledge.signee_id)
        .join(Signee.organisation)
        .where(Signee.id.in_(signee_ids), CheckIn.held_on >= starts_on, CheckIn.held_on <= ends_on)
    ).all()
    return [
        RecordRow(
            signee_id=signee_id,
            organisation=name,
            pledge_id=pledge_id,
            kind=CheckInKind(check_in.kind),
            held_on=check_in.held_on,
            status=PledgeProgress(record.status),
            quantity=record.quantity,
            unit=Unit(record.unit) if record.unit else None,
            narrative=record.narrative,
            record_id=record.id,
            in_report=record.in_report,
        )
        for record, check_in, signee_id, pledge_id, name in rows
    ]
