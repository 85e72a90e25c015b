"""Fill an empty database with the demo data; running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts import service as accounts
from ..accounts.models import MemberRole, Membership, Organisation
from ..charter import demo as charter
from ..extensions import db
from ..impact import demo as impact
from ..listings import demo as listings
from ..places import service as places
from ..plan import resources
from ..plan import service as plan
from ..review import demo as review
from ..toms import service as toms
from .data import DemoData, demo_data


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)


def seed_demo() -> SeedReport:
    """Create whichever demo records are missing (flushes; the caller commits).

    Each step is idempotent on its own, so a database seeded by an older version of this
    function gains only what is new.
    """
    report, demo = SeedReport(), demo_data()
    organisations = _seed_organisations(report, demo)
    _seed_users(report, demo, organisations)
    _seed_plan(report)
    _seed_catalogue(report)
    staff = accounts.find_user_by_email(demo.first_user(staff=True).email)
    if staff is None:
        raise LookupError("The demo's staff account must be seeded before its listings.")
    report.created.extend(listings.seed(organisations, staff, demo.listings))
    report.created.extend(charter.seed_demo(staff))
    # Outcomes need stored matches (made here if none are), and case studies outcomes.
    task_force = accounts.find_user_by_email(demo.first_user(task_force=True).email)
    report.created.extend(review.seed_outcomes(task_force))
    report.created.extend(impact.seed_case_study(staff))
    db.session.flush()
    return report


def _seed_organisations(report: SeedReport, demo: DemoData) -> dict[str, Organisation]:
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    for item in demo.organisations:
        if item.name not in organisations:
            organisation = Organisation(
                name=item.name, kind=item.kind, postcode=item.postcode, description=item.description
            )
            db.session.add(organisation)
            organisations[item.name] = organisation
            report.created.append(f"organisation {item.name}")
    return organisations


def _seed_users(report: SeedReport, demo: DemoData, organisations: dict[str, Organisation]) -> None:
    for demo_user in demo.users:
        if accounts.find_user_by_email(demo_user.email) is not None:
            continue
        user = accounts.register_user(demo_user.email, demo_user.name, demo.password)
        accounts.set_platform_roles(user, staff=demo_user.staff, task_force=demo_user.task_force)
        for name in demo_user.organisations:
            db.session.add(
                Membership(user=user, organisation=organisations[name], role=MemberRole.OWNER.value)
            )
        report.created.append(f"user {demo_user.email}")


def _seed_plan(report: SeedReport) -> None:
    """The 2023/24 delivery plan, transcribed from the partnership's document, and the
    toolkit's first entries: the bodies and programmes it names."""
    loaded = plan.load_plan(plan.read_plan_file(plan.current_plan_file()))
    if loaded.created:
        report.created.append(f"delivery plan {loaded.year} ({loaded.created} records)")
    current = plan.current_plan()
    if current is not None:
        added = resources.load_toolkit(current, plan.read_plan_file(resources.toolkit_file()))
        if added:
            report.created.append(f"toolkit: {len(added)} resources the plan names")


def _seed_catalogue(report: SeedReport) -> None:
    """The TOMs frameworks shipped with the app, and the reference priority places."""
    for loaded in toms.load_shipped_frameworks():
        if loaded.created:
            labels = ", ".join(version.label for version in loaded.versions)
            report.created.append(f"TOMs {labels} ({loaded.created} records)")
    for name in places.load_reference_priority_places():
        report.created.append(f"priority place {name}")
