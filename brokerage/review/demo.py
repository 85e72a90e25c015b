"""Demo outcomes: a few stored matches between demo organisations with logins, taken
through the real workflow (interest, discussion, agreement, delivery, confirmation, the
task force's answer) so the queue, the dashboard and the public impact page show
something on `make run`. Quantities are what the offers themselves state; no £ proxy value
is added (the reference catalogue has none verified), so the demo counts units only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select

from ..accounts.models import Organisation, User
from ..extensions import db
from ..listings.service import today
from ..matches import store
from ..matches.models import Match
from ..toms.service import measures_by_code
from ..workflow.delivery import DeliveryReport, confirm_delivery, record_delivery
from ..workflow.models import MatchEvent
from ..workflow.moves import advance
from ..workflow.states import State
from . import service

# What happens to each chosen match, best-scoring pairs first.
Step = Callable[[Match, User, User, User], None]


def _agree(match: Match, provider: User, seeker: User) -> None:
    advance(match, State.INTEREST_EXPRESSED, seeker, note="We would like to talk.")
    advance(match, State.IN_DISCUSSION, provider, note="Happy to discuss.")
    advance(match, State.AGREED, seeker, note="Agreed.")


def _deliver(match: Match, provider: User, seeker: User) -> None:
    _agree(match, provider, seeker)
    offered = {m.measure_code: m.quantity for m in match.offer.measures}
    known = measures_by_code(offered)
    quantities = {code: Decimal(q) for code, q in offered.items() if code in known}
    on = today()
    report = DeliveryReport(on, on, quantities, evidence="Demo: delivery recorded by the supplier.")
    record_delivery(match, provider, report, on, seen_version=None)
    confirm_delivery(match, seeker, rating=5, note="Demo: the help arrived.")


def _verified(match: Match, provider: User, seeker: User, task_force: User) -> None:
    _deliver(match, provider, seeker)
    service.verify(match, task_force, "Demo: evidence checked.", None)


def _awaiting(match: Match, provider: User, seeker: User, task_force: User) -> None:
    _deliver(match, provider, seeker)


def _queried(match: Match, provider: User, seeker: User, task_force: User) -> None:
    _deliver(match, provider, seeker)
    service.query(match, task_force, "Demo: how many pupils took part?", None)


def _declined(match: Match, provider: User, seeker: User, task_force: User) -> None:
    advance(match, State.DECLINED, seeker, reason="no_capacity", note="Demo.")


def _interested(match: Match, provider: User, seeker: User, task_force: User) -> None:
    advance(match, State.INTEREST_EXPRESSED, seeker, note="Demo: are you available?")


STEPS: tuple[Step, ...] = (
    _verified,
    _verified,
    _verified,
    _awaiting,
    _queried,
    _declined,
    _interested,
)


def _member(organisation: Organisation) -> User | None:
    return next((m.user for m in organisation.memberships), None)


def _candidates() -> list[tuple[Match, User, User]]:
    """Suggested matches whose two sides both have a demo login, best first, one per seeker
    so the demo spreads over several organisations."""
    matches = db.session.scalars(
        select(Match).where(Match.state == State.SUGGESTED.value).order_by(Match.score.desc())
    ).all()
    chosen: list[tuple[Match, User, User]] = []
    seekers: set[tuple[int | None, int | None]] = set()
    offers: set[int] = set()
    for fresh_offers_only in (True, False):  # spread over suppliers first
        for match in matches:
            provider, seeker = _member(match.offer.organisation), _member(match.seeker.organisation)
            key = (match.need_id, match.opportunity_id)
            if not provider or not seeker or provider.id == seeker.id or key in seekers:
                continue
            if fresh_offers_only and match.offer_id in offers:
                continue
            seekers.add(key)
            offers.add(match.offer_id)
            chosen.append((match, provider, seeker))
    return chosen


def seed_outcomes(task_force: User | None) -> list[str]:
    """Take demo matches through the workflow once, `task_force` verifying (nothing if any
    match has a history)."""
    if db.session.scalar(select(MatchEvent.id).limit(1)) is not None:
        return []
    if task_force is None:
        return []
    if db.session.scalar(select(Match.id).limit(1)) is None:
        store.rebuild()
    done = []
    for step, (match, provider, seeker) in zip(STEPS, _candidates(), strict=False):
        step(match, provider, seeker, task_force)
        done.append(f"demo match {match.id} {State(match.state).label}")
    return done
