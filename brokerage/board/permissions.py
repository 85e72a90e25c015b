"""Who may see the board report.

Staff only. The plan lets the people linked to its leads see its own pages, but the board
report also shows the brokerage's results (the task force's) and the charter's signees
and check-ins, which only staff see.
"""

from __future__ import annotations

from typing import Any

from ..accounts.permissions import is_staff


def can_view_board_report(user: Any) -> bool:
    return is_staff(user)
