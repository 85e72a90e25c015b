"""Who may see and change the TOMs catalogue. The catalogue sits below accounts in the
layers, so these rules read the user's flags rather than import accounts' rules."""

from __future__ import annotations

from ..types import Person


def can_view_catalogue(user: Person) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_add_proxy_value(user: Person) -> bool:
    """Staff, who must give the published source of the value."""
    return can_view_catalogue(user) and bool(user.is_staff)
