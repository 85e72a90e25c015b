"""Who may see and change the delivery plan.

Staff see and change everything. A signed-in person whose account staff have linked to a
plan lead sees the plan and posts updates on the actions that lead is responsible for.
Everyone else, signed in or not, reads the public working group pages and the toolkit.
"""

from __future__ import annotations

from flask import abort, g
from sqlalchemy import select

from ..accounts.models import Visitor
from ..accounts.permissions import is_staff
from ..extensions import db
from .models import Action, PlanLead


def linked_lead_ids(user: Visitor) -> frozenset[int]:
    """The plan leads staff have linked to this account (none for visitors); once a request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cache: dict[int, frozenset[int]] = g.setdefault("_plan_lead_ids", {})
    if user.id not in cache:
        cache[user.id] = frozenset(
            db.session.scalars(select(PlanLead.id).where(PlanLead.user_id == user.id))
        )
    return cache[user.id]


def is_linked_lead(user: Visitor) -> bool:
    return bool(linked_lead_ids(user))


def can_view_plan(user: Visitor) -> bool:
    """The internal plan pages: overview, actions, timeline, KPIs, events, projects."""
    return is_staff(user) or is_linked_lead(user)


def can_manage_plan(user: Visitor) -> bool:
    """Record KPI values, edit events, funding, resources and who leads what."""
    return is_staff(user)


def can_update_action(user: Visitor, action: Action) -> bool:
    """Staff, or the person linked to one of the action's leads."""
    if is_staff(user):
        return True
    mine = linked_lead_ids(user)
    return any(link.lead_id in mine for link in action.action_leads)


def require(allowed: bool) -> None:
    """Refuse the request (403) unless `allowed`."""
    if not allowed:
        abort(403)
