"""Fill an empty database with the demo data; running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from ..accounts import service as accounts
from ..accounts.models import MemberRole, Membership, Organisation
from ..extensions import db
from .data import DEMO_PASSWORD, ORGANISATIONS, USERS


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)


def seed_demo() -> SeedReport:
    """Create whichever demo organisations and users are missing (flushes; caller commits)."""
    report = SeedReport()
    organisations = {o.name: o for o in db.session.scalars(select(Organisation))}
    for demo in ORGANISATIONS:
        if demo.name not in organisations:
            organisation = Organisation(
                name=demo.name, kind=demo.kind, postcode=demo.postcode, description=demo.description
            )
            db.session.add(organisation)
            organisations[demo.name] = organisation
            report.created.append(f"organisation {demo.name}")
    for demo_user in USERS:
        if accounts.find_user_by_email(demo_user.email) is not None:
            continue
        user = accounts.register_user(demo_user.email, demo_user.name, DEMO_PASSWORD)
        accounts.set_platform_roles(user, staff=demo_user.staff, task_force=demo_user.task_force)
        for name in demo_user.organisations:
            db.session.add(
                Membership(user=user, organisation=organisations[name], role=MemberRole.OWNER.value)
            )
        report.created.append(f"user {demo_user.email}")
    db.session.flush()
    return report
