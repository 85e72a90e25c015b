"""Who may see and change the delivery plan. Staff only in this first slice; leads
updating their own actions come next (issue 6)."""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import is_staff
from .models import Action


def can_view_plan(user: Any) -> bool:
    return is_staff(user)


def can_update_action(user: Any, action: Action) -> bool:
    return is_staff(user)
