"""Finding the delivery plan's parts as a test names them."""

from __future__ import annotations

from brokerage.extensions import db
from brokerage.plan.models import Action


def action_id(description: str, position: int = 0) -> int:
    """The id of the action with this description (the `position`th if several have it)."""
    ids = db.session.scalars(
        db.select(Action.id).where(Action.description == description).order_by(Action.id)
    )
    return list(ids)[position]
