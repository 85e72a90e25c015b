"""The choices the dashboard's filters offer: the TOMs themes in force, the partnership's
districts, the priority places, and the organisations on either side of a match."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import Organisation
from ..extensions import db
from ..places.districts import reported_districts
from ..places.service import priority_places
from ..toms.service import current_measures
from .forms import Choices


def _organisations(*kinds: str) -> Choices:
    found = db.session.scalars(
        select(Organisation).where(Organisation.kind.in_(kinds)).order_by(Organisation.name)
    )
    return [(str(o.id), o.name) for o in found]


def filter_choices() -> dict[str, Choices]:
    themes = dict.fromkeys(m.theme.name for m in current_measures())
    return {
        "theme": [(name, name) for name in themes],
        "district": [(name, name) for name in reported_districts()],
        "priority_place": [(p.name, p.name) for p in priority_places()],
        "buyer": _organisations("buyer", "beneficiary"),
        "supplier": _organisations("supplier"),
    }
