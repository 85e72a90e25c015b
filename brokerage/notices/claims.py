"""Reading imported procurements for their pages, and claiming an organisation a notice
import created (see permissions.py for the rule). Never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import MemberRole, Membership, Organisation
from ..accounts.permissions import is_task_force
from ..errors import BrokerageError
from ..extensions import db
from ..types import utcnow
from .models import ImportedOrganisation, Procurement
from .permissions import can_claim, email_domain

MAX_SHOWN = 200


class NotAllowed(BrokerageError):
    status_code = 403


def procurements_for(user: Any) -> list[Procurement]:
    """The newest procurements this person may see: all for the task force and staff, their
    organisations' for a buyer's members."""
    query = (
        select(Procurement)
        .options(selectinload(Procurement.criteria), selectinload(Procurement.buyer))
        .order_by(Procurement.imported_at.desc(), Procurement.id.desc())
        .limit(MAX_SHOWN)
    )
    if not is_task_force(user):
        own = [membership.organisation_id for membership in user.memberships]
        query = query.where(Procurement.buyer_id.in_(own))
    return list(db.session.scalars(query))


def claimable_by(user: Any) -> list[ImportedOrganisation]:
    """The imported organisations this person may claim now."""
    domain = email_domain(user)
    if not domain:
        return []
    found = db.session.scalars(
        select(ImportedOrganisation)
        .join(Organisation)
        .where(ImportedOrganisation.claim_domain == domain, ~Organisation.memberships.any())
        .order_by(Organisation.name)
    )
    return [imported for imported in found if can_claim(user, imported)]


def claim(user: Any, imported: ImportedOrganisation) -> Membership:
    """Make the person the organisation's owner, if the claim rule allows it."""
    if not can_claim(user, imported):
        raise NotAllowed(
            f"You cannot claim {imported.organisation.name}: it takes a confirmed email address "
            "at its own domain while nobody acts for it. Ask the partnership's staff to add you."
        )
    membership = Membership(
        user=user, organisation=imported.organisation, role=MemberRole.OWNER.value
    )
    db.session.add(membership)
    imported.claimed_at = utcnow()
    db.session.flush()
    return membership
