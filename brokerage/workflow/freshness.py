"""Keeping matches fresh, so requests do not go stale as on peer sites.

Open matches expire once their offer's availability ends or their need's or opportunity's
deadline passes: the listing is closed (`listings.closing`), and the rankings it was in are
recomputed without it, so others move up. A match waiting on an answer (interest expressed,
or in discussion) with no move or message for `NUDGE_AFTER_DAYS` nudges the side that has
not answered, and after twice that the staff. Each nudge is recorded against the quiet
spell it was sent for, so running `flask match expire` again sends nothing twice; any new
move or message starts a new spell. The matching policy page is about scoring, so the
number of days is a constant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ForeignKey, String, UniqueConstraint, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from ..accounts.models import Organisation, User
from ..extensions import Model, db
from ..formatting import format_date
from ..listings.closing import is_closed
from ..listings.models import Listing, Need, Offer, Opportunity
from ..matches.models import Match
from ..matches.store import recompute
from ..notifications.service import notify
from ..types import UTCDateTime, utcnow
from .models import MatchEvent, MatchMessage
from .moves import advance, match_path, members_of, sides
from .states import State

NUDGE_AFTER_DAYS = 5
# The states the system may expire (see states.MOVES), and those waiting on an answer.
OPEN = (State.SUGGESTED, State.INTEREST_EXPRESSED, State.IN_DISCUSSION)
WAITING = (State.INTEREST_EXPRESSED, State.IN_DISCUSSION)
SIDE, STAFF = "side", "staff"


class MatchNudge(Model):
    """A reminder sent about a quiet match: to whom (a side or the staff) and for which
    quiet spell (the time of the last move or message before it)."""

    __tablename__ = "match_nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(10))
    quiet_since: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("match_id", "audience", "quiet_since", name="uq_match_nudges_spell"),
    )


@dataclass(frozen=True)
class FreshnessReport:
    expired: int
    nudged: int
    escalated: int
    closed: int = 0  # closed listings whose open matches expired in this run


def keep_fresh(now: datetime, days: int = NUDGE_AFTER_DAYS) -> FreshnessReport:
    """Expire what is past its date and rank again without it, then nudge about what is
    quiet. Flushes; the caller commits."""
    expired = expire_past_deadline(now.date())
    sides = _sides_of(expired)
    # Both sides: a closed offer's needs rank again without it, and so on.
    recompute(sides)
    closed = sum(is_closed(listing, now.date()) for listing in sides)
    nudged, escalated = nudge_quiet_matches(now, days)
    return FreshnessReport(len(expired), nudged, escalated, closed)


def _sides_of(matches: list[Match]) -> list[Listing]:
    """The listings on either side of the matches, each once."""
    found: dict[tuple[type[Listing], int], Listing] = {}
    for match in matches:
        for listing in (match.offer, match.seeker):
            found.setdefault((type(listing), listing.id), listing)
    return list(found.values())


def expire_past_deadline(today: date) -> list[Match]:
    """Move every open match whose offer, need or opportunity has run out to expired;
    the matches moved."""
    query = (
        select(Match)
        .join(Offer, Match.offer_id == Offer.id)
        .outerjoin(Need, Match.need_id == Need.id)
        .outerjoin(Opportunity, Match.opportunity_id == Opportunity.id)
        .where(
            Match.state.in_([state.value for state in OPEN]),
            or_(Offer.available_to < today, Need.deadline < today, Opportunity.deadline < today),
        )
        .order_by(Match.id)
    )
    matches = db.session.scalars(query).all()
    for match in matches:
        advance(match, State.EXPIRED, None, note=_why_expired(match, today))
    return list(matches)


def _why_expired(match: Match, today: date) -> str:
    if match.offer.available_to and match.offer.available_to < today:
        return f"The offer was available until {format_date(match.offer.available_to)}."
    kind = "need" if match.need_id else "opportunity"
    return f"The {kind}'s deadline was {format_date(match.seeker.deadline)}."


def nudge_quiet_matches(now: datetime, days: int = NUDGE_AFTER_DAYS) -> tuple[int, int]:
    """(sides nudged, matches raised with staff), each at most once per quiet spell."""
    nudged = escalated = 0
    waiting = select(Match).where(Match.state.in_([s.value for s in WAITING])).order_by(Match.id)
    for match in db.session.scalars(waiting).all():
        since, waiting_on = _last_activity(match)
        quiet = now - since
        if quiet >= timedelta(days=days) and _record(match, SIDE, since):
            notify(
                members_of(waiting_on),
                f"{_title(match)} is waiting for your answer",
                f"Nothing has happened on it for {quiet.days} days.",
                match_path(match),
            )
            nudged += 1
        if quiet >= timedelta(days=2 * days) and _record(match, STAFF, since):
            staff = db.session.scalars(select(User).where(User.is_staff)).all()
            notify(
                staff,
                f"{_title(match)} has had no answer for {quiet.days} days",
                f"It is “{State(match.state).label}”; the sides were nudged after {days} days.",
                match_path(match),
            )
            escalated += 1
    db.session.flush()
    return nudged, escalated


def _last_activity(match: Match) -> tuple[datetime, list[Organisation]]:
    """When the match last moved or had a message, and the side(s) that now owe an answer:
    the other side from whoever acted last (both, when the last actor is neither side)."""
    provider, seeker = sides(match)
    event = db.session.scalars(
        select(MatchEvent).where(MatchEvent.match_id == match.id).order_by(MatchEvent.id.desc())
    ).first()
    message = db.session.scalars(
        select(MatchMessage)
        .where(MatchMessage.match_id == match.id)
        .order_by(MatchMessage.id.desc())
    ).first()
    acted: list[Organisation] = []
    since = match.computed_at
    if event is not None:
        since = event.at
        actor = event.actor
        acted = [o for o in (provider, seeker) if actor and actor.membership_in(o)]
    if message is not None and (event is None or message.at >= event.at):
        since, acted = message.at, [message.organisation]
    owing = [o for o in (provider, seeker) if o not in acted]
    return since, owing or [provider, seeker]


def _record(match: Match, audience: str, since: datetime) -> bool:
    """Record a nudge for this spell; False when one was already sent."""
    sent = db.session.scalar(
        select(func.count())
        .select_from(MatchNudge)
        .where(
            MatchNudge.match_id == match.id,
            MatchNudge.audience == audience,
            MatchNudge.quiet_since >= since,
        )
    )
    if sent:
        return False
    db.session.add(MatchNudge(match_id=match.id, audience=audience, quiet_since=since))
    return True


def _title(match: Match) -> str:
    return f"The match of {match.offer.title} with {match.seeker.title}"
