"""Event pages: the events the plan names and staff add, and the form to add or change one
(attendance of a held event included, which counts towards its KPIs)."""

from __future__ import annotations

from typing import TypeVar

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..validators import add_error, text_of
from . import events, kpis, service
from .blueprint import blueprint, current_plan_or_404
from .event_models import Event
from .forms import EventForm
from .models import Action, Kpi, Plan
from .permissions import can_manage_plan, can_view_plan, require

# What an event links to: an action it serves, or a KPI it counts towards.
Chosen = TypeVar("Chosen", Action, Kpi)


@blueprint.route("/events")
def event_list() -> str:
    require(can_view_plan(current_user))
    plan = current_plan_or_404()
    return render_template(
        "plan/events.html", plan=plan, events=events.plan_events(plan), today=service.today()
    )


def _event_form(plan: Plan, event: Event | None) -> EventForm:
    # A submitted form is read from what was sent alone, never topped up from the event.
    form = EventForm(obj=None if request.method == "POST" else event)
    if event and request.method != "POST":
        form.action.data = str(event.action_id or "")
        form.attendance_kpi.data = str(event.attendance_kpi_id or "")
        form.held_kpi.data = str(event.held_kpi_id or "")
    form.set_choices(
        service.find_actions(plan, service.ActionFilters(), service.today()), kpis.plan_kpis(plan)
    )
    return form


def _details(form: EventForm) -> events.EventDetails:
    def chosen(model: type[Chosen], value: str) -> Chosen | None:
        return db.session.get(model, int(value)) if value else None

    return events.EventDetails(
        title=text_of(form.title).strip(),
        kind=form.kind.data,
        happens_on=form.happens_on.data,
        timing=(form.timing.data or "").strip(),
        place=(form.place.data or "").strip(),
        notes=(form.notes.data or "").strip(),
        action=chosen(Action, form.action.data),
        held=bool(form.held.data),
        attendance=form.attendance.data,
        attendance_kpi=chosen(Kpi, form.attendance_kpi.data),
        held_kpi=chosen(Kpi, form.held_kpi.data),
    )


def _edit(plan: Plan, event: Event | None) -> str | Response | tuple[str, int]:
    form = _event_form(plan, event)
    if form.validate_on_submit():
        try:
            saved = events.save_event(event or Event(plan=plan), _details(form), current_user)
        except events.EventTitleTaken as error:
            add_error(form.title, str(error))
        else:
            db.session.commit()
            flash(f"{saved.title} is saved.", "success")
            return redirect(url_for("plan.event_list"))
    page = render_template("plan/event_form.html", form=form, event=event)
    return (page, 400) if form.errors else page


@blueprint.route("/events/new", methods=["GET", "POST"])
def new_event() -> str | Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    return _edit(current_plan_or_404(), None)


@blueprint.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int) -> str | Response | tuple[str, int]:
    require(can_manage_plan(current_user))
    event = db.get_or_404(Event, event_id)
    return _edit(event.plan, event)
