"""Who may see and change the TOMs catalogue. The catalogue sits below accounts in the
layers, so these rules read the user's flags rather than import accounts' rules."""

from __future__ import annotations

from typing import Any


def can_view_catalogue(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def can_add_proxy_value(user: Any) -> bool:
    """Staff, who must give the published source of the value."""
    return can_view_catalogue(user) and bool(user.is_staff)
