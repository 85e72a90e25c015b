"""Staff pages for the delivery plan: overview, actions list, and an action's history."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import staff_required
from ..extensions import db
from . import service
from .forms import ActionFilterForm, ActionUpdateForm
from .models import Action, Plan
from .permissions import can_update_action, can_view_plan
from .progress import summarise

blueprint = Blueprint("plan", __name__, url_prefix="/plan")


@blueprint.app_context_processor
def _plan_permissions() -> dict[str, object]:
    return {"can_view_plan": can_view_plan}


def _current_plan_or_404() -> Plan:
    plan = service.current_plan()
    if plan is None:
        abort(404, "No delivery plan has been loaded yet.")
    return plan


@blueprint.route("/")
@staff_required
def overview() -> str:
    plan = service.current_plan()
    return render_template(
        "plan/overview.html", plan=plan, today=service.today(), summarise=summarise
    )


@blueprint.route("/actions")
@staff_required
def actions() -> str | tuple[str, int]:
    plan = _current_plan_or_404()
    form = ActionFilterForm(formdata=request.args)
    form.set_choices(plan, service.lead_names(plan))
    if not form.validate():
        return render_template("plan/actions.html", plan=plan, form=form, actions=None), 400
    filters = service.ActionFilters(
        **{name: form[name].data for name in ("working_group", "lead", "status", "phase")},
        overdue=bool(form.overdue.data),
    )
    found = service.find_actions(plan, filters, service.today())
    return render_template(
        "plan/actions.html", plan=plan, form=form, actions=found, today=service.today()
    )


def _action_page(action: Action, form: ActionUpdateForm) -> str:
    return render_template(
        "plan/action.html",
        action=action,
        form=form,
        today=service.today(),
        may_update=can_update_action(current_user, action),
    )


@blueprint.route("/actions/<int:action_id>")
@staff_required
def show_action(action_id: int) -> str:
    action = db.get_or_404(Action, action_id)
    return _action_page(action, ActionUpdateForm(status=action.status))


@blueprint.post("/actions/<int:action_id>/updates")
@staff_required
def post_update(action_id: int) -> Response | tuple[str, int]:
    action = db.get_or_404(Action, action_id)
    if not can_update_action(current_user, action):
        abort(403)
    form = ActionUpdateForm()
    if not form.validate_on_submit():
        return _action_page(action, form), 400
    service.record_update(action, form.status.data, form.note.data, current_user)
    db.session.commit()
    flash(f"Update posted. The action is now {action.status_enum.label.lower()}.", "success")
    return redirect(url_for("plan.show_action", action_id=action.id))
