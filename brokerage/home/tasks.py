"""What waits for a person: the home page's task list, one count query per kind of task.

Each task knows its count and where to act (the oldest item, or the page that lists them);
a task with nothing waiting is left out, and the page then says what to do first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, union_all

from ..accounts.models import Membership, User
from ..accounts.permissions import is_staff, is_task_force
from ..charter.choices import SigneeStatus
from ..charter.models import CheckIn, SignedPledge, Signee, Term
from ..charter.schedule import month_bounds
from ..extensions import db
from ..listings.choices import ListingStatus
from ..listings.models import Need, Offer, Opportunity
from ..matches.models import Match
from ..plan.models import Action, ActionLead, Objective, Plan, PlanLead, WorkingGroup
from ..plan.states import ActionStatus
from ..workflow.lists import stage_expression
from ..workflow.models import Delivery, MatchEvent, MatchMessage
from ..workflow.states import Stage, State


@dataclass(frozen=True)
class Task:
    """One kind of thing waiting: how many, and the endpoint where to act on them."""

    label: str
    count: int
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)


def _org_ids(user: User) -> list[int]:
    return [membership.organisation_id for membership in user.memberships]


def _seeker_org() -> ColumnElement[Any]:
    """The receiving side's organisation of a match (the opportunity's or the need's)."""
    return func.coalesce(Opportunity.organisation_id, Need.organisation_id)


def _with_sides(query: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
    return (
        query.join(Offer, Offer.id == Match.offer_id)
        .outerjoin(Opportunity, Opportunity.id == Match.opportunity_id)
        .outerjoin(Need, Need.id == Match.need_id)
    )


def _count_and_first(query: Select[*tuple[Any, ...]]) -> tuple[int, int | None]:
    count, first = db.session.execute(query).one()
    return count or 0, first


def _match_task(label: str, query: Select[*tuple[Any, ...]]) -> Task | None:
    count, first = _count_and_first(query)
    if not count:
        return None
    return Task(label, count, "matches.show", {"match_id": first})


def deliveries_to_confirm(org_ids: list[int]) -> Task | None:
    """Deliveries recorded for the person's organisation as the receiving side."""
    query = _with_sides(
        select(func.count(Match.id), func.min(Match.id)).join(
            Delivery, Delivery.match_id == Match.id
        )
    ).where(
        Match.state == State.DELIVERED.value,
        Delivery.confirmed_at.is_(None),
        _seeker_org().in_(org_ids),
    )
    return _match_task("Deliveries to confirm", query)


def disputes_to_answer(org_ids: list[int]) -> Task | None:
    """Deliveries the receiving side disputed, for the person's organisation as the
    supplier to record again."""
    query = (
        select(func.count(Match.id), func.min(Match.id))
        .join(Offer, Offer.id == Match.offer_id)
        .where(Offer.organisation_id.in_(org_ids), stage_expression() == Stage.DISPUTED.value)
    )
    return _match_task("Disputed deliveries to record again", query)


def _colleagues(org_ids: list[int]) -> Select[Any]:
    return select(Membership.user_id).where(Membership.organisation_id.in_(org_ids))


def interest_received(org_ids: list[int]) -> Task | None:
    """Matches of theirs in which someone outside their organisations expressed interest."""
    query = _with_sides(
        select(func.count(Match.id), func.min(Match.id)).join(
            MatchEvent, MatchEvent.match_id == Match.id
        )
    ).where(
        Match.state == State.INTEREST_EXPRESSED.value,
        MatchEvent.to_state == State.INTEREST_EXPRESSED.value,
        or_(Offer.organisation_id.in_(org_ids), _seeker_org().in_(org_ids)),
        MatchEvent.actor_id.not_in(_colleagues(org_ids)),
    )
    return _match_task("Interest received", query)


def replies_owed(org_ids: list[int]) -> Task | None:
    """Matches in discussion whose latest message came from the other side."""
    latest = (
        select(MatchMessage.match_id, func.max(MatchMessage.id).label("last_id"))
        .group_by(MatchMessage.match_id)
        .subquery()
    )
    query = (
        _with_sides(select(func.count(Match.id), func.min(Match.id)))
        .join(latest, latest.c.match_id == Match.id)
        .join(MatchMessage, MatchMessage.id == latest.c.last_id)
        .where(
            Match.state == State.IN_DISCUSSION.value,
            or_(Offer.organisation_id.in_(org_ids), _seeker_org().in_(org_ids)),
            MatchMessage.organisation_id.not_in(org_ids),
        )
    )
    return _match_task("Replies owed", query)


def outcomes_to_verify() -> Task | None:
    count = db.session.scalar(
        select(func.count(Match.id)).where(Match.state == State.DELIVERED.value)
    )
    return Task("Outcomes to verify", count, "review.queue") if count else None


def sign_ups_to_approve() -> Task | None:
    count = db.session.scalar(
        select(func.count(Signee.id)).where(
            (Signee.status == SigneeStatus.PENDING.value)
            | (
                (Signee.status == SigneeStatus.APPROVED.value)
                & Signee.signed_pledges.any(SignedPledge.approved_at.is_(None))
            )
        )
    )
    return Task("Charter sign-ups to approve", count, "charter.queue") if count else None


def check_ins_due(today: date) -> Task | None:
    """Charter check-ins not yet held, due by the end of this month (overdue ones too)."""
    _, month_end = month_bounds(today)
    count = db.session.scalar(
        select(func.count(CheckIn.id))
        .join(CheckIn.term)
        .join(Term.signee)
        .where(
            CheckIn.held_on.is_(None),
            CheckIn.due_on <= month_end,
            Signee.status == SigneeStatus.APPROVED.value,
        )
    )
    return Task("Charter check-ins due", count, "charter.due") if count else None


def overdue_actions(user: User, today: date) -> Task | None:
    """Actions of this year's plan that the person leads, past their end and not done."""
    latest_year = select(func.max(Plan.year)).scalar_subquery()
    count = db.session.scalar(
        select(func.count(func.distinct(Action.id)))
        .join(ActionLead, ActionLead.action_id == Action.id)
        .join(PlanLead, PlanLead.id == ActionLead.lead_id)
        .join(Objective, Objective.id == Action.objective_id)
        .join(WorkingGroup, WorkingGroup.id == Objective.working_group_id)
        .join(Plan, Plan.id == WorkingGroup.plan_id)
        .where(
            PlanLead.user_id == user.id,
            Plan.year == latest_year,
            Action.ends_on < today,
            Action.status != ActionStatus.DONE.value,
        )
    )
    return Task("My overdue plan actions", count, "plan.my_actions") if count else None


DRAFT_ENDPOINTS = {"offer": "listings.offers", "opportunity": "listings.opportunities"}


def drafts(org_ids: list[int]) -> Task | None:
    """Listings of their organisations not yet published, linked to the first kind found."""
    kinds = union_all(
        *(
            select(literal(name).label("kind"), model.organisation_id.label("organisation_id"))
            .where(model.organisation_id.in_(org_ids))
            .where(model.status == ListingStatus.DRAFT.value)
            for name, model in (("offer", Offer), ("opportunity", Opportunity), ("need", Need))
        )
    ).subquery()
    rows = db.session.execute(
        select(kinds.c.kind, func.count(), func.min(kinds.c.organisation_id))
        .group_by(kinds.c.kind)
        .order_by(kinds.c.kind)
    ).all()
    if not rows:
        return None
    kind, _, organisation_id = rows[0]
    endpoint = DRAFT_ENDPOINTS.get(kind, "listings.needs")
    total = sum(row[1] for row in rows)
    return Task("Drafts not yet published", total, endpoint, {"organisation_id": organisation_id})


def tasks_for(user: User, today: date) -> list[Task]:
    """Everything waiting for `user`, most pressing first; kinds with nothing are left out."""
    org_ids = _org_ids(user)
    found: list[Task | None] = []
    if org_ids:
        found += [deliveries_to_confirm(org_ids), disputes_to_answer(org_ids)]
        found += [interest_received(org_ids)]
        found += [replies_owed(org_ids)]
    if is_task_force(user):
        found.append(outcomes_to_verify())
    if is_staff(user):
        found += [sign_ups_to_approve(), check_ins_due(today)]
    found.append(overdue_actions(user, today))
    if org_ids:
        found.append(drafts(org_ids))
    return [task for task in found if task is not None]
