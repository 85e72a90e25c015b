"""Demo charter records for `flask seed-demo`: the pledges, and the demo data's fictional
suppliers as signees at different stages, dated relative to today. The signees are the
partnership's (`charter_signees` in its demo.yaml), not the code's.

Only fictional organisations sign here: the app holds no facts about a real body's plans,
employees or progress, and must not invent them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select

from ..accounts.models import Organisation, User
from ..extensions import db
from ..partnership import current_partnership
from . import service
from .check_ins import RecordEntry, record_check_in
from .choices import CheckInKind
from .models import Signee
from .pledges import current_pledges, load_pledges
from .toolkit import load_resources


@dataclass(frozen=True)
class DemoRecord:
    status: str
    figure: int | None
    unit: str | None
    narrative: str


@dataclass(frozen=True)
class DemoMeeting:
    """A meeting held: its kind, days after signing, and what was recorded per pledge code."""

    kind: CheckInKind
    days_after: int
    records: dict[str, DemoRecord] = field(hash=False)


@dataclass(frozen=True)
class DemoSignee:
    organisation: str
    sector: str
    size: str
    employees: int
    contact_name: str
    contact_email: str
    days_ago: int
    approved: bool
    plans: dict[str, str] = field(hash=False)
    meetings: tuple[DemoMeeting, ...] = ()


def demo_signees() -> tuple[DemoSignee, ...]:
    """The signees under `charter_signees` in the partnership's demo file; none without one."""
    path = current_partnership().files.get("demo")
    return _read_signees(path) if path is not None else ()


@cache
def _read_signees(path: Path) -> tuple[DemoSignee, ...]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(
        DemoSignee(
            **{
                **item,
                "meetings": tuple(
                    DemoMeeting(
                        CheckInKind(meeting["kind"]),
                        meeting["days_after"],
                        {code: DemoRecord(**record) for code, record in meeting["records"].items()},
                    )
                    for meeting in item.get("meetings", ())
                ),
            }
        )
        for item in data.get("charter_signees", ())
    )


def seed_demo(staff: User | None, today: date | None = None) -> list[str]:
    """Create the pledges and demo signees that are missing (`staff` approves them); what
    was created, for the demo report. Flushes; the caller commits."""
    today = today or service.today()
    created = []
    loaded = load_pledges()
    if loaded.created:
        created.append(f"charter pledges ({loaded.created})")
    if resources := load_resources():
        created.append(f"charter toolkit resources ({resources})")
    codes = {pledge.code: pledge.id for pledge in current_pledges()}
    for demo in demo_signees():
        organisation = db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == demo.organisation.lower())
        )
        if organisation is None or _has_signed(organisation):
            continue
        _sign(demo, organisation, codes, staff, today)
        created.append(f"charter signee {demo.organisation}")
    return created


def _has_signed(organisation: Organisation) -> bool:
    """Signed up already: approved (linked to it) or still pending under its name."""
    found = select(Signee.id).where(
        (Signee.organisation_id == organisation.id)
        | (func.lower(Signee.organisation_name) == organisation.name.lower())
    )
    return db.session.scalar(found.limit(1)) is not None


def _sign(
    demo: DemoSignee,
    organisation: Organisation,
    codes: dict[str, int],
    staff: User | None,
    today: date,
) -> None:
    signed_on = today - timedelta(days=demo.days_ago)
    result = service.sign_up(
        service.SignUp(
            organisation_name=organisation.name,
            kind=organisation.kind,
            postcode=organisation.postcode,
            sector=demo.sector,
            size=demo.size,
            employees=demo.employees,
            contact_name=demo.contact_name,
            contact_email=demo.contact_email,
            listed_publicly=True,
            pledges={codes[code]: plan for code, plan in demo.plans.items()},
        ),
        signed_on,
    )
    if not demo.approved:
        return
    term = service.approve(result.signee, staff)
    if term is None:
        return
    by_code = {p.version.pledge.code: p.id for p in result.signee.signed_pledges}
    for meeting in demo.meetings:
        check_in = next(c for c in term.check_ins if c.kind == meeting.kind)
        entries = [
            RecordEntry(
                by_code[code], record.status, record.figure, record.unit, record.narrative, ""
            )
            for code, record in meeting.records.items()
        ]
        record_check_in(check_in, signed_on + timedelta(days=meeting.days_after), entries, staff)
