"""Who may search the directory: anyone, signed in or not (the public needs board,
opportunities and supplier directory). What they find is only what everyone may see (the
listings' rule: published listings, and suppliers' profiles without their contacts), so the
results never depend on who asks."""

from __future__ import annotations

from typing import Any


def can_search(user: Any) -> bool:
    return True
