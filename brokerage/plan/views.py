"""The internal plan pages: overview, actions (list, export, page, updates), my actions,
the timeline and who leads what. The other modules below add their pages to the same
blueprint: KPIs, events, projects, and the public pages and toolkit."""

from __future__ import annotations

import io
from typing import Any

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import staff_required
from ..extensions import db
from ..partnership import current_partnership
from ..spreadsheets import MIMETYPES
from ..validators import add_error, text_of
from . import (  # noqa: F401  (the view modules' routes join the blueprint)
    event_views,
    export,
    kpi_views,
    project_views,
    public_views,
    service,
)
from .blueprint import blueprint, current_plan_or_404
from .forms import ActionFilterForm, ActionUpdateForm, LeadLinkForm
from .models import Action, Plan, PlanLead
from .permissions import can_update_action, can_view_plan, linked_lead_ids, require
from .progress import summarise
from .timeline import build_timeline

__all__ = ["blueprint"]


@blueprint.route("/")
def overview() -> str:
    require(can_view_plan(current_user))
    plan = service.current_plan()
    return render_template(
        "plan/overview.html", plan=plan, today=service.today(), summarise=summarise
    )


def _filtered_actions() -> tuple[Plan, ActionFilterForm, list[Action] | None]:
    """The filters in the query string and the actions they find (None if they are bad)."""
    plan = current_plan_or_404()
    form = ActionFilterForm(formdata=request.args)
    form.set_choices(plan, service.lead_names(plan))
    found = service.find_actions(plan, form.filters(), service.today()) if form.validate() else None
    return plan, form, found


def _actions_page(plan: Plan, form: ActionFilterForm, found: list[Action] | None) -> Any:
    page = render_template(
        "plan/actions.html", plan=plan, form=form, actions=found, today=service.today()
    )
    return page if found is not None else (page, 400)


@blueprint.route("/actions")
def actions() -> str | tuple[str, int]:
    require(can_view_plan(current_user))
    return _actions_page(*_filtered_actions())


@blueprint.route("/actions/export.<file_format>")
def export_actions(file_format: str) -> Response | tuple[str, int]:
    """The actions the same filters find, as a spreadsheet; bad filters show the list page."""
    require(can_view_plan(current_user))
    if file_format not in {"csv", "xlsx"}:
        abort(404)
    plan, form, found = _filtered_actions()
    if found is None:
        return _actions_page(plan, form, found)
    rows = export.action_rows(found, service.today())
    name = current_partnership().download_name(
        f"plan-{plan.year.replace('/', '-')}-actions.{file_format}"
    )
    if file_format == "csv":
        data = export.to_csv(rows)
    else:
        data = export.to_xlsx(rows, f"Actions {plan.year}".replace("/", "-"))
    mimetype = MIMETYPES[file_format]
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)


def _action_page(action: Action, form: ActionUpdateForm) -> str:
    return render_template(
        "plan/action.html",
        action=action,
        form=form,
        today=service.today(),
        may_update=can_update_action(current_user, action),
    )


@blueprint.route("/actions/<int:action_id>")
def show_action(action_id: int) -> str:
    require(can_view_plan(current_user))
    action = db.get_or_404(Action, action_id)
    return _action_page(action, ActionUpdateForm(status=action.status))


@blueprint.post("/actions/<int:action_id>/updates")
def post_update(action_id: int) -> Response | tuple[str, int]:
    require(can_view_plan(current_user))
    action = db.get_or_404(Action, action_id)
    require(can_update_action(current_user, action))
    form = ActionUpdateForm()
    if not form.validate_on_submit():
        return _action_page(action, form), 400
    service.record_update(action, form.status.data, text_of(form.note), current_user)
    db.session.commit()
    flash(f"Update posted. The action is now {action.status_enum.label.lower()}.", "success")
    return redirect(url_for("plan.show_action", action_id=action.id))


@blueprint.route("/mine")
def my_actions() -> str:
    """The actions of the leads linked to the signed-in account, overdue ones first."""
    require(can_view_plan(current_user))
    plan = current_plan_or_404()
    today = service.today()
    mine = service.actions_led_by(linked_lead_ids(current_user), plan)
    mine.sort(key=lambda action: not action.is_overdue(today))
    overdue = sum(action.is_overdue(today) for action in mine)
    return render_template("plan/mine.html", plan=plan, actions=mine, overdue=overdue, today=today)


@blueprint.route("/timeline")
def timeline() -> str:
    require(can_view_plan(current_user))
    plan = current_plan_or_404()
    today = service.today()
    chart = build_timeline(plan, service.find_actions(plan, service.ActionFilters(), today), today)
    return render_template("plan/timeline.html", plan=plan, chart=chart, today=today)


@blueprint.route("/leads")
@staff_required
def leads() -> str:
    return render_template("plan/leads.html", leads=service.all_leads())


@blueprint.route("/leads/<int:lead_id>", methods=["GET", "POST"])
@staff_required
def edit_lead(lead_id: int) -> str | Response | tuple[str, int]:
    lead = db.get_or_404(PlanLead, lead_id)
    form = LeadLinkForm(email=lead.user.email if lead.user else "")
    if form.validate_on_submit():
        try:
            user = service.link_lead(lead, form.email.data or "")
        except service.UnknownAccount as error:
            add_error(form.email, str(error))
        else:
            db.session.commit()
            who = f"linked to {user.name} ({user.email})" if user else "not linked to an account"
            flash(f"{lead.name} is now {who}.", "success")
            return redirect(url_for("plan.leads"))
    status = 400 if form.errors else 200
    return render_template("plan/lead.html", lead=lead, form=form), status
