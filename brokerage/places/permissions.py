"""Who may manage places. Places sit below accounts in the layers, so the rule reads the
user's staff flag rather than import accounts' rules."""

from __future__ import annotations

from ..types import Person


def can_manage_priority_places(user: Person) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_staff)
