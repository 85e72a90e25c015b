"""Recording what a match delivered (with evidence files), the other side confirming or
disputing it, and its value in £.

Each delivered measure's value is its quantity × the proxy value in force on the last day
of delivery (`toms.service.proxy_value_on`); a measure with no proxy value is counted in
units only. The values are fixed when recorded, so a later catalogue leaves them alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, cast

from sqlalchemy import CursorResult, select, update

from ..accounts.models import User
from ..extensions import db
from ..matches.models import Match
from ..toms.service import measures_by_code, proxy_value_on
from ..types import utcnow
from .evidence import Upload, keep
from .models import MAX_NOTE, Delivery, DeliveryLine, MatchEvent
from .moves import (
    advance,
    delivery_of,
    person_of,
    refuse_if_stale,
    sides,
    steps_of,
    void_confirmation,
)
from .states import DISPUTED, InvalidTransition, State, check_confirmer, check_recorder

# Far beyond any real delivery of one measure, and inside the column's precision.
MAX_QUANTITY = Decimal(1_000_000)


@dataclass(frozen=True)
class DeliveryReport:
    delivered_from: date
    delivered_to: date
    quantities: Mapping[str, Decimal]  # measure code -> quantity delivered
    evidence: str = ""
    files: tuple[Upload, ...] = ()  # checked by `evidence.read_upload`


def _check(match: Match, report: DeliveryReport, today: date) -> None:
    if not report.quantities:
        raise InvalidTransition("Say how much of at least one measure was delivered.")
    unknown = set(report.quantities) - set(measures_by_code(report.quantities))
    if unknown:
        raise InvalidTransition(f"Not measures in the catalogue: {', '.join(sorted(unknown))}.")
    if any(not 0 < q <= MAX_QUANTITY for q in report.quantities.values()):
        raise InvalidTransition(f"Each quantity must be more than 0 and at most {MAX_QUANTITY:,}.")
    if report.delivered_to < report.delivered_from:
        raise InvalidTransition("The delivery cannot end before it starts.")
    if report.delivered_from < match.computed_at.date() or report.delivered_to > today:
        raise InvalidTransition(
            "Delivery dates run from when the match was made to today at the latest."
        )
    if len(report.evidence) > MAX_NOTE:
        raise InvalidTransition(f"Keep the evidence note under {MAX_NOTE} characters.")


def _line(code: str, quantity: Decimal, on: date, unit: str) -> DeliveryLine:
    proxy = proxy_value_on(code, on)
    value = None
    if proxy is not None:
        value = int((quantity * proxy.value_pence).to_integral_value(rounding=ROUND_HALF_UP))
    return DeliveryLine(
        measure_code=code,
        unit=unit,
        quantity=quantity,
        proxy_value_pence=proxy.value_pence if proxy else None,
        proxy_value_source=proxy.source if proxy else "",
        value_pence=value,
    )


def record_delivery(
    match: Match, actor: User, report: DeliveryReport, today: date, seen_version: int | None
) -> Delivery:
    """The providing side records what it delivered; the match becomes delivered. After a
    task-force query (back to agreed) the record is written anew, by whoever records it
    now, and waits for the other side's confirmation again."""
    check_recorder(person_of(actor, match), sides(match)[1].name)
    _check(match, report, today)
    delivery = delivery_of(match) or Delivery(match_id=match.id)
    units = {code: m.unit for code, m in measures_by_code(report.quantities).items()}
    delivery.delivered_from, delivery.delivered_to = report.delivered_from, report.delivered_to
    delivery.evidence = report.evidence.strip()
    delivery.recorded_by_id, delivery.recorded_at = actor.id, utcnow()
    void_confirmation(delivery)
    db.session.add(delivery)
    # Old lines go first: the unit of work would insert new ones before deleting old ones.
    delivery.lines = []
    db.session.flush()
    delivery.lines = [
        _line(code, q, report.delivered_to, units[code]) for code, q in report.quantities.items()
    ]
    db.session.flush()
    advance(
        match,
        State.DELIVERED,
        actor,
        note=delivery.evidence,
        seen_version=seen_version,
        recorded=delivery,
    )
    keep(delivery, report.files, actor)
    return delivery


def dispute_delivery(
    match: Match, actor: User, reason: str, seen_version: int | None
) -> MatchEvent:
    """The buyer or beneficiary says the delivery is not right, and why: the match goes back
    to the supplier (agreed), who is told and records it again. Who may dispute is who may
    confirm (`check_confirmer`); a confirmed delivery is the task force's to query."""
    if not reason.strip():
        raise InvalidTransition("Say what is wrong with the delivery.")
    return advance(
        match, State.AGREED, actor, note=reason, seen_version=seen_version, disputing=True
    )


def disputes_written_by(user: User) -> list[dict[str, Any]]:
    """The disputes `user` made of deliveries, oldest first, for their data download."""
    disputes = db.session.scalars(
        select(MatchEvent)
        .where(MatchEvent.actor_id == user.id, MatchEvent.reason == DISPUTED)
        .order_by(MatchEvent.id)
    )
    return [{"match_id": d.match_id, "reason": d.note, "at": d.at} for d in disputes]


def confirm_delivery(
    match: Match,
    actor: User,
    rating: int | None = None,
    note: str = "",
    seen_version: int | None = None,
) -> Delivery:
    """The buyer or beneficiary confirms the help arrived, so the task force may verify it:
    someone of the receiving side who neither recorded it nor verifies. Once only: the
    update is conditional on the row being unconfirmed still, so of two confirmations sent
    at once (two tabs, two colleagues) the second is refused instead of overwriting."""
    refuse_if_stale(match, seen_version)
    delivery = delivery_of(match)
    if delivery is not None and delivery.is_confirmed:
        raise InvalidTransition("This delivery is already confirmed.")
    _, seeker = sides(match)
    check_confirmer(person_of(actor, match), steps_of(delivery), seeker.name)
    if match.state != State.DELIVERED.value or delivery is None:
        raise InvalidTransition("There is no delivery waiting to be confirmed.")
    if rating is not None and not 1 <= rating <= 5:
        raise InvalidTransition("A rating is from 1 to 5.")
    if len(note) > MAX_NOTE:
        raise InvalidTransition(f"Keep the note under {MAX_NOTE} characters.")
    db.session.flush()
    confirmed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(Delivery)
            .where(Delivery.id == delivery.id, Delivery.confirmed_at.is_(None))
            .values(
                confirmed_by_id=actor.id,
                confirmed_at=utcnow(),
                rating=rating,
                confirmation_note=note.strip(),
            )
            .execution_options(synchronize_session=False)
        ),
    )
    db.session.refresh(delivery)
    if confirmed.rowcount != 1:
        raise InvalidTransition("This delivery is already confirmed.")
    return delivery
