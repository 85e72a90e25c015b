"""The plan blueprint, shared by the plan's view modules, and what its templates may ask."""

from __future__ import annotations

from flask import Blueprint, abort

from . import service
from .models import Plan
from .permissions import can_manage_plan, can_update_action, can_view_plan, is_linked_lead

blueprint = Blueprint("plan", __name__, url_prefix="/plan")


@blueprint.app_context_processor
def _plan_permissions() -> dict[str, object]:
    return {
        "can_view_plan": can_view_plan,
        "can_manage_plan": can_manage_plan,
        "can_update_action": can_update_action,
        "is_linked_lead": is_linked_lead,
    }


def current_plan_or_404() -> Plan:
    plan = service.current_plan()
    if plan is None:
        abort(404, "No delivery plan has been loaded yet.")
    return plan
