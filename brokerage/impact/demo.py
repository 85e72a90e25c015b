"""A demo case study: the first verified demo outcome, with a text that names only the
organisations and listings, as staff would write it."""

from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..formatting import possessive
from ..matches.models import Match
from ..workflow.states import State
from .models import CaseStudy
from .service import save_case_study


def seed_case_study(staff: User | None) -> list[str]:
    """A case study of the first verified match, written by `staff`."""
    if db.session.scalar(select(CaseStudy.id).limit(1)) is not None:
        return []
    match = db.session.scalar(
        select(Match).where(Match.state == State.VERIFIED.value).order_by(Match.id)
    )
    if staff is None or match is None:
        return []
    text = (
        f"{match.offer.organisation.name} delivered “{match.offer.title}” for "
        f"{possessive(match.seeker.organisation.name)} “{match.seeker.title}”, confirmed by "
        f"{match.seeker.organisation.name} and verified by the task force. (Demo case study.)"
    )
    save_case_study(match, staff, shown=True, text=text)
    return [f"case study of match {match.id}"]
