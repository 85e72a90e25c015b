"""The plan blueprint, shared by the plan's view modules, and what its templates may ask."""

from __future__ import annotations

from flask import Blueprint, abort

from . import service
from .models import Plan
from .permissions import can_manage_plan, can_update_action, can_view_plan, is_linked_lead

blueprint = Blueprint("plan", __name__, url_prefix="/plan")


# What the plan's templates (and the page header) may ask, given to every template once
# rather than by a context processor on every page.
blueprint.add_app_template_global(can_view_plan)
blueprint.add_app_template_global(can_manage_plan)
blueprint.add_app_template_global(can_update_action)
blueprint.add_app_template_global(is_linked_lead)


def current_plan_or_404() -> Plan:
    plan = service.current_plan()
    if plan is None:
        abort(404, "No delivery plan has been loaded yet.")
    return plan
