"""Delivery plan operations. Services flush, never commit: the caller does.

`load_plan` imports a whole plan year or nothing; loading it again updates it in place
and keeps what staff added since (statuses, progress updates, KPI values).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..accounts.service import find_user_by_email
from ..errors import BrokerageError
from ..extensions import db
from ..partnership import current_partnership
from ..types import utcnow
from .models import Action, ActionLead, ActionUpdate, Objective, Plan, PlanLead, WorkingGroup
from .spec import PlanFileInvalid, PlanSpec, read_plan
from .states import ActionStatus
from .sync import LoadReport, PlanSync, history_that_would_be_lost

__all__ = ["LoadReport", "PlanFileInvalid", "load_plan", "read_plan_file"]


def current_plan_file() -> Path:
    """The partnership's delivery plan file."""
    return current_partnership().file("delivery_plan")


def read_plan_file(path: Path) -> Any:
    """The data in a YAML (or JSON) plan file; a syntax error is a PlanFileInvalid."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise PlanFileInvalid([f"{path.name}: is not UTF-8 text"]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else path.name
        problem = getattr(error, "problem", None) or str(error)
        raise PlanFileInvalid([f"{where}: {problem}"]) from error


def load_plan(data: Any) -> LoadReport:
    """Create or update the plan year `data` describes; raises PlanFileInvalid (and changes
    nothing) if the data is malformed or would delete recorded progress."""
    spec = read_plan(data)
    plan = db.session.scalar(select(Plan).where(Plan.year == spec.year))
    if plan is not None and (problems := history_that_would_be_lost(plan, spec)):
        raise PlanFileInvalid(problems)
    report = LoadReport(spec.year)
    with db.session.no_autoflush:
        if plan is None:
            plan = Plan(year=spec.year)
            db.session.add(plan)
        PlanSync(report).plan(plan, spec)
    db.session.flush()
    report.counts = _counts(spec)
    return report


def _counts(spec: PlanSpec) -> dict[str, int]:
    objectives = [o for g in spec.working_groups for o in g.objectives]
    return {
        "working_groups": len(spec.working_groups),
        "objectives": len(objectives),
        "actions": sum(len(o.actions) for o in objectives),
        "KPIs": sum(len(o.kpis) for o in objectives),
        "projects": len(spec.projects),
        "cost_lines": sum(len(p.cost_lines) for p in spec.projects),
        "leads": len({name for o in objectives for a in o.actions for name in a.leads}),
        "events": sum(len(g.events) for g in spec.working_groups),
    }


def record_update(action: Action, status: str, note: str, author: User | None) -> ActionUpdate:
    """Add a dated progress note and set the action's status to the one it reports."""
    update = ActionUpdate(status=ActionStatus(status).value, note=note.strip(), author=author)
    action.updates.insert(0, update)
    if action.status != update.status:
        action.status = update.status
        action.status_changed_at = utcnow()
    db.session.flush()
    return update


def updates_written_by(user: User) -> list[dict[str, Any]]:
    """The progress notes `user` wrote on plan actions, oldest first, for their download."""
    updates = db.session.scalars(
        select(ActionUpdate).where(ActionUpdate.author_id == user.id).order_by(ActionUpdate.id)
    )
    return [
        {
            "action": update.action.description,
            "status": update.status,
            "note": update.note,
            "written_at": update.created_at,
        }
        for update in updates
    ]


def today() -> date:
    """The date the plan is judged against (overdue means ended before it)."""
    return utcnow().date()


def current_plan() -> Plan | None:
    """The latest plan year, with its groups, objectives and actions loaded."""
    return db.session.scalar(
        select(Plan)
        .order_by(Plan.year.desc())
        .limit(1)
        .options(
            selectinload(Plan.working_groups)
            .selectinload(WorkingGroup.objectives)
            .selectinload(Objective.actions)
        )
    )


@dataclass(frozen=True)
class ActionFilters:
    """What the actions list is narrowed to; empty values mean "any"."""

    working_group: str = ""
    lead: str = ""
    status: str = ""
    phase: str = ""
    overdue: bool = False
    # "this-month" or "next-month": its timescale ends in that calendar month.
    due: str = ""


DUE_CHOICES = {"this-month": "Due this month", "next-month": "Due next month"}


def month_of(on: date, months_ahead: int = 0) -> tuple[date, date]:
    """The first and last day of the month `months_ahead` after the one `on` falls in."""
    year, month = divmod(on.month - 1 + months_ahead, 12)
    first = date(on.year + year, month + 1, 1)
    return first, date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])


def find_actions(plan: Plan, filters: ActionFilters, on: date) -> list[Action]:
    """The plan's actions in document order, narrowed by `filters` (overdue as of `on`)."""
    query = _plan_actions(plan).options(
        selectinload(Action.action_leads).selectinload(ActionLead.lead)
    )
    if filters.working_group:
        query = query.where(WorkingGroup.slug == filters.working_group)
    if filters.lead:
        query = query.where(Action.action_leads.any(ActionLead.lead.has(name=filters.lead)))
    if filters.status:
        query = query.where(Action.status == filters.status)
    if filters.phase:
        query = query.where(Action.phase == filters.phase)
    if filters.overdue:
        query = query.where(Action.ends_on < on, Action.status != ActionStatus.DONE.value)
    if filters.due in DUE_CHOICES:
        first, last = month_of(on, 0 if filters.due == "this-month" else 1)
        query = query.where(Action.ends_on.between(first, last))
    return list(db.session.scalars(query))


def actions_led_by(lead_ids: frozenset[int], plan: Plan) -> list[Action]:
    """The plan's actions any of these leads is responsible for, in document order."""
    if not lead_ids:
        return []
    query = _plan_actions(plan).where(Action.action_leads.any(ActionLead.lead_id.in_(lead_ids)))
    return list(db.session.scalars(query))


def actions_with_updates(plan: Plan) -> list[Action]:
    """The plan's actions in document order, each with its progress updates loaded."""
    query = _plan_actions(plan).options(selectinload(Action.updates))
    return list(db.session.scalars(query))


def _plan_actions(plan: Plan) -> Select[Action]:
    """The plan's actions (archived ones left out) in document order."""
    return (
        select(Action)
        .join(Action.objective)
        .join(Objective.working_group)
        .where(WorkingGroup.plan_id == plan.id, Action.archived_at.is_(None))
        .order_by(WorkingGroup.position, Objective.number, Action.position)
    )


class UnknownAccount(BrokerageError):
    """No account has the email address staff gave for a lead."""


def all_leads() -> list[PlanLead]:
    return list(
        db.session.scalars(
            select(PlanLead).options(selectinload(PlanLead.user)).order_by(PlanLead.name)
        )
    )


def link_lead(lead: PlanLead, email: str) -> User | None:
    """Link the lead to the account with this email, or unlink it when `email` is blank.

    Only staff decide this: a lead's name is never matched to an account automatically.
    """
    if not email.strip():
        lead.user = None
    else:
        user = find_user_by_email(email)
        if user is None:
            raise UnknownAccount(f"No account uses {email.strip()}: ask them to register first.")
        lead.user = user
    db.session.flush()
    return lead.user


def lead_names(plan: Plan) -> list[str]:
    """The names of everyone leading an action in this plan, alphabetically."""
    return list(
        db.session.scalars(
            select(PlanLead.name)
            .join(ActionLead, ActionLead.lead_id == PlanLead.id)
            .join(Action, Action.id == ActionLead.action_id)
            .join(Objective, Objective.id == Action.objective_id)
            .join(WorkingGroup, WorkingGroup.id == Objective.working_group_id)
            .where(WorkingGroup.plan_id == plan.id, Action.archived_at.is_(None))
            .distinct()
            .order_by(PlanLead.name)
        )
    )


def working_group_by_slug(plan: Plan, slug: str) -> WorkingGroup | None:
    return next((group for group in plan.working_groups if group.slug == slug), None)
