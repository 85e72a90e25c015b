"""Demo charter records for `flask seed-demo`: the pledges, and three of the demo data's
fictional suppliers as signees at different stages, dated relative to today.

Only fictional organisations sign here: the app holds no facts about a real body's plans,
employees or progress, and must not invent them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from ..accounts.models import Organisation, User
from ..extensions import db
from . import service
from .check_ins import RecordEntry, record_check_in
from .choices import CheckInKind
from .models import Signee
from .pledges import current_pledges, load_pledges
from .toolkit import load_resources

# A meeting held: its kind, days after signing, and per pledge code (status, figure, unit,
# narrative).
Meeting = tuple[CheckInKind, int, dict[str, tuple[str, int | None, str | None, str]]]


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
    plans: dict[str, str]
    meetings: tuple[Meeting, ...] = ()


DEMO_SIGNEES = (
    DemoSignee(
        "Thames Valley Print Works",
        "private",
        "small",
        24,
        "Thames Valley Print (demo)",
        "sales@tvprint.example.org",
        days_ago=100,
        approved=True,
        plans={
            "OCC-5": "Fictional demo: a volunteering day a year for each of our staff, with a "
            "school reading scheme.",
            "OCC-4": "Fictional demo: buy paper and ink from local SMEs and record the share.",
        },
        meetings=(
            (
                CheckInKind.BASELINE,
                15,
                {
                    "OCC-5": ("planned", 0, "hours", "Fictional demo: days agreed with the team."),
                    "OCC-4": ("in_progress", 30, "percent", ""),
                },
            ),
            (
                CheckInKind.MONTH_3,
                92,
                {
                    "OCC-5": (
                        "implemented",
                        48,
                        "hours",
                        "Fictional demo: four staff now read weekly with primary school pupils.",
                    ),
                    "OCC-4": (
                        "in_progress",
                        40,
                        "percent",
                        "Fictional demo: a local ink supplier.",
                    ),
                },
            ),
        ),
    ),
    DemoSignee(
        "Leys Community Cleaning Co-operative",
        "vcse",
        "small",
        15,
        "Leys Cleaning (demo)",
        "office@leyscleaning.example.org",
        days_ago=20,
        approved=True,
        plans={
            "OCC-7": "Fictional demo: advertise in Blackbird Leys and welcome applicants over 50."
        },
    ),
    DemoSignee(
        "Cowley Road Catering CIC",
        "vcse",
        "micro",
        8,
        "Cowley Road Catering (demo)",
        "bids@cowleycatering.example.org",
        days_ago=3,
        approved=False,
        plans={
            "OCC-7": "Fictional demo: keep recruiting prison leavers through release on "
            "temporary licence placements."
        },
    ),
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
    for demo in DEMO_SIGNEES:
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
    for kind, days_after, records in demo.meetings:
        check_in = next(c for c in term.check_ins if c.kind == kind)
        entries = [
            RecordEntry(by_code[code], status, figure, unit, narrative, "")
            for code, (status, figure, unit, narrative) in records.items()
        ]
        record_check_in(check_in, signed_on + timedelta(days=days_after), entries, staff)
