"""Moving a match on: `advance` is the only code that sets a match's state. It asks
`states.check_move` whether the actor may, refuses a move made on a stale view of the match,
writes the history, and tells the other side. Functions flush; the caller commits.

Optimistic locking: `Match.version` is SQLAlchemy's version counter, so an UPDATE made from a
stale row matches nothing and raises; a form also sends the version it showed, so a person
who looked at an older state is told rather than overwriting what changed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from ..accounts.models import Organisation, User
from ..accounts.permissions import is_task_force
from ..errors import BrokerageError
from ..extensions import db
from ..matches.models import Match
from ..notifications.service import notify
from .models import MAX_MESSAGE, MAX_NOTE, Delivery, MatchEvent, MatchMessage
from .states import (
    DISPUTED,
    FINAL_STATES,
    REVIEWS,
    InvalidTransition,
    Person,
    Role,
    State,
    Steps,
    check_confirmer,
    check_move,
    check_recorder,
    check_reviewer,
)


class StaleMatch(BrokerageError):
    status_code = 409

    def __init__(self, match: Match) -> None:
        super().__init__(
            "This match changed while you were looking at it: it is now "
            f"“{State(match.state).label}”. Check the latest and try again."
        )


def sides(match: Match) -> tuple[Organisation, Organisation]:
    """(the providing side, the seeking side): the offer's supplier, and the buyer or
    beneficiary whose opportunity or need it answers."""
    return match.offer.organisation, match.seeker.organisation


def roles_of(user: User | None, match: Match) -> set[Role]:
    """What `user` is to this match, as far as the workflow cares (None: the system)."""
    if user is None:
        return {Role.SYSTEM}
    roles = set()
    provider, seeker = sides(match)
    if user.membership_in(provider) is not None:
        roles |= {Role.PARTY, Role.PROVIDER}
    if user.membership_in(seeker) is not None:
        roles |= {Role.PARTY, Role.SEEKER}
    if is_task_force(user):
        roles.add(Role.TASK_FORCE)
    return roles


def person_of(user: User, match: Match) -> Person:
    """Where `user` stands in this match, for the separation of duties."""
    provider, seeker = sides(match)
    return Person(
        id=user.id,
        provider=user.membership_in(provider) is not None,
        seeker=user.membership_in(seeker) is not None,
        reviewer=is_task_force(user),
    )


def steps_of(delivery: Delivery | None) -> Steps:
    if delivery is None:
        return Steps(recorded_by=None)
    return Steps(recorded_by=delivery.recorded_by_id, confirmed_by=delivery.confirmed_by_id)


def _passes(check: Any, *args: Any) -> bool:
    try:
        check(*args)
    except InvalidTransition:
        return False
    return True


def may_record(user: User, match: Match) -> bool:
    """Whether the page offers `user` the delivery form."""
    if State(match.state) != State.AGREED:
        return False
    return _passes(check_recorder, person_of(user, match), "")


def may_confirm(user: User, match: Match, delivery: Delivery | None) -> bool:
    """Whether the page offers `user` the confirmation form: the rules `confirm_delivery`
    applies, asked beforehand."""
    if State(match.state) != State.DELIVERED or delivery is None or delivery.is_confirmed:
        return False
    return _passes(check_confirmer, person_of(user, match), steps_of(delivery), "")


def may_review(user: User, match: Match, delivery: Delivery | None) -> bool:
    """Whether `user` is independent enough to verify, query or reject this delivery."""
    return _passes(check_reviewer, person_of(user, match), steps_of(delivery))


def match_path(match: Match) -> str:
    """The match page's path, for notifications made outside a request too."""
    return f"/matches/{match.id}"


def delivery_of(match: Match) -> Delivery | None:
    return db.session.scalar(select(Delivery).where(Delivery.match_id == match.id))


def refuse_if_stale(match: Match, seen_version: int | None) -> None:
    """StaleMatch when the person acted on a version of the match that is no longer its
    latest (None: the caller showed no version, as code acting for itself)."""
    if seen_version is not None and seen_version != match.version:
        raise StaleMatch(match)


def advance(
    match: Match,
    target: State,
    actor: User | None,
    *,
    reason: str | None = None,
    note: str = "",
    seen_version: int | None = None,
    recorded: Delivery | None = None,
    disputing: bool = False,
) -> MatchEvent:
    """Move `match` to `target` for `actor`, or raise InvalidTransition / StaleMatch;
    `recorded` is the delivery `record_delivery` has just written, when that is the move,
    and `disputing` says the receiving side disputes the delivery (the note says why)."""
    refuse_if_stale(match, seen_version)
    current = State(match.state)
    check_move(
        current,
        target,
        roles_of(actor, match),
        reason,
        recording=recorded is not None,
        disputing=disputing,
    )
    if len(note) > MAX_NOTE:
        raise InvalidTransition(f"Keep the note under {MAX_NOTE} characters.")
    _check_delivery_rules(match, current, target, actor, disputing)
    match.state = target.value
    event = MatchEvent(
        match_id=match.id,
        by_person=actor is not None,
        actor_id=getattr(actor, "id", None),
        from_state=current.value,
        to_state=target.value,
        reason=DISPUTED if disputing else reason if target == State.DECLINED else None,
        note=note.strip(),
    )
    db.session.add(event)
    _flush_or_stale(match)
    news = f"{_title(match)} is now “{target.label}”"
    if disputing:
        news = f"{sides(match)[1].name} disputes the delivery recorded for {_title(match)}"
    _tell_the_others(match, actor, news, note.strip())
    return event


def _check_delivery_rules(
    match: Match, current: State, target: State, actor: User | None, disputing: bool
) -> None:
    """Verification needs a delivery the other side has confirmed (two-sided confirmation),
    reviewed by someone independent of both sides; a dispute comes from someone who could
    have confirmed it instead; a query or a dispute voids the confirmation, so the corrected
    delivery is confirmed again."""
    delivery = delivery_of(match)
    if target == State.DELIVERED and delivery is None:
        raise InvalidTransition("Record what was delivered first.")
    if disputing and actor is not None:
        check_confirmer(
            person_of(actor, match), steps_of(delivery), sides(match)[1].name, "disputes"
        )
        if delivery is None or delivery.is_confirmed:
            raise InvalidTransition(
                "This delivery is already confirmed: the task force reviews it now."
            )
    elif (current, target) in REVIEWS and actor is not None:
        check_reviewer(person_of(actor, match), steps_of(delivery))
    if target == State.VERIFIED and (delivery is None or not delivery.is_confirmed):
        raise InvalidTransition(
            "The buyer or beneficiary has not yet confirmed that the help arrived."
        )
    if (current, target) == (State.DELIVERED, State.AGREED) and delivery is not None:
        void_confirmation(delivery)


def void_confirmation(delivery: Delivery) -> None:
    """The delivery waits for the other side's confirmation again."""
    delivery.confirmed_by_id = delivery.confirmed_at = delivery.rating = None
    delivery.confirmation_note = ""


def _flush_or_stale(match: Match) -> None:
    try:
        db.session.flush()
    except StaleDataError as error:
        db.session.rollback()
        db.session.refresh(match)
        raise StaleMatch(match) from error


def send_message(
    match: Match, author: User, body: str, seen_version: int | None = None
) -> MatchMessage:
    """A message from one side to the other; only the two sides write on a match."""
    refuse_if_stale(match, seen_version)
    body = body.strip()
    if Role.PARTY not in roles_of(author, match):
        raise InvalidTransition("Only the two sides of a match send messages on it.")
    if not body or len(body) > MAX_MESSAGE:
        raise InvalidTransition(f"Write a message of 1 to {MAX_MESSAGE} characters.")
    if State(match.state) in FINAL_STATES:
        raise InvalidTransition(f"This match is “{State(match.state).label}”; it is closed.")
    organisation = _side_of(author, match)
    message = MatchMessage(
        match_id=match.id, author_id=author.id, organisation_id=organisation.id, body=body
    )
    db.session.add(message)
    db.session.flush()
    _tell_the_others(
        match, author, f"{organisation.name} sent a message about {_title(match)}", body
    )
    return message


def messages_written_by(user: User) -> list[dict[str, Any]]:
    """The match messages `user` wrote, oldest first, for their data download."""
    messages = db.session.scalars(
        select(MatchMessage).where(MatchMessage.author_id == user.id).order_by(MatchMessage.id)
    )
    return [
        {"match_id": m.match_id, "written_for": m.organisation.name, "at": m.at, "body": m.body}
        for m in messages
    ]


def _side_of(user: User, match: Match) -> Organisation:
    provider, seeker = sides(match)
    return provider if user.membership_in(provider) is not None else seeker


def _title(match: Match) -> str:
    return f"the match of {match.offer.title} with {match.seeker.title}"


def members_of(organisations: Iterable[Organisation]) -> list[User]:
    return [m.user for organisation in organisations for m in organisation.memberships]


def _tell_the_others(match: Match, actor: User | None, subject: str, body: str) -> None:
    """Every member of the side(s) the actor is not on: both when staff or the system act."""
    provider, seeker = sides(match)
    acted_for = {o.id for o in (provider, seeker) if actor and actor.membership_in(o)}
    others = [o for o in (provider, seeker) if o.id not in acted_for]
    people = [p for p in members_of(others) if actor is None or p.id != actor.id]
    notify(people, subject[:1].upper() + subject[1:], body, match_path(match))
