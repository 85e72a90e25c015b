"""Who may search the directory: anyone signed in. What they find is only what every
signed-in person may see (the listings' rule: published listings, and suppliers'
profiles), so the results never depend on who asks."""

from __future__ import annotations

from typing import Any


def can_search(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))
