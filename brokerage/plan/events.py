"""Event operations: list, add and change events, and keep the KPI values a held event
adds in step with it. Services flush, never commit: the caller does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..errors import BrokerageError
from ..extensions import db
from .event_models import Event
from .models import Action, Kpi, KpiValue, Plan, WorkingGroup


class EventTitleTaken(BrokerageError):
    """Titles tell events apart, in lists and on the KPI values they add."""


@dataclass(frozen=True)
class EventDetails:
    """What staff set on an event; the form guarantees its cross-field rules."""

    title: str
    kind: str
    happens_on: date | None
    timing: str
    place: str
    notes: str
    action: Action | None
    held: bool
    attendance: int | None
    attendance_kpi: Kpi | None
    held_kpi: Kpi | None


def plan_events(plan: Plan) -> list[Event]:
    """Dated events by date, then those still to be dated, in the order they were added."""
    return list(
        db.session.scalars(
            select(Event)
            .where(Event.plan_id == plan.id)
            .order_by(Event.happens_on.is_(None), Event.happens_on, Event.id)
            .options(selectinload(Event.action))
        )
    )


def save_event(event: Event, details: EventDetails, user: User | None) -> Event:
    """Create or change `event`; if it has been held, its KPIs count it (see record_kpis)."""
    plan_id = event.plan_id or event.plan.id
    others = select(Event.id).where(Event.plan_id == plan_id, Event.title == details.title)
    if event.id is not None:
        others = others.where(Event.id != event.id)
    clash = db.session.scalar(others)
    if clash is not None:
        raise EventTitleTaken(f"There is already an event called {details.title!r}.")
    for name, value in vars(details).items():
        setattr(event, name, value)
    db.session.add(event)
    db.session.flush()
    record_kpis(event, user)
    return event


def kpi_counts(event: Event) -> dict[int, tuple[Kpi, int]]:
    """What a held event adds to its KPIs: its attendance, and one for having been held."""
    if not event.held or event.happens_on is None:
        return {}
    counts = {}
    if event.held_kpi is not None:
        counts[event.held_kpi.id] = (event.held_kpi, 1)
    if event.attendance_kpi is not None and event.attendance is not None:
        counts[event.attendance_kpi.id] = (event.attendance_kpi, event.attendance)
    return counts


def record_kpis(event: Event, user: User | None) -> None:
    """Make the event's KPI values what kpi_counts says: update, add, remove the rest."""
    wanted = kpi_counts(event)
    for stale in list(event.kpi_values):
        if stale.kpi_id not in wanted:
            stale.kpi.values.remove(stale)
            event.kpi_values.remove(stale)
    if event.happens_on is None:  # kpi_counts wants nothing of an event without a date
        return
    for kpi_id, (kpi, count) in wanted.items():
        value = next((v for v in event.kpi_values if v.kpi_id == kpi_id), None)
        if value is None:
            value = KpiValue(kpi=kpi, recorded_by=user)
            event.kpi_values.append(value)
        value.value = count
        value.recorded_on = event.happens_on
        value.note = f"{event.title}: " + (
            "held" if kpi is event.held_kpi else f"{count:,} attended"
        )
    db.session.flush()


def group_events(plan: Plan, group: WorkingGroup) -> list[Event]:
    """The plan's events that serve one of this working group's actions."""
    return [e for e in plan_events(plan) if e.action and e.action.objective.working_group is group]
