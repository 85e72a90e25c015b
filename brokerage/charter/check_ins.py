"""Check-ins: what is due and overdue, recording one, and reminding signees before one is
due. Services flush, never commit: the caller does. `today` is always passed in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from ..accounts.models import User
from ..errors import BrokerageError
from ..extensions import db
from ..formatting import format_date
from ..jobs import enqueue
from ..mail import send_mail
from .choices import CheckInKind, PledgeProgress, ReminderKind, SigneeStatus, Unit
from .models import CheckIn, CheckInRecord, ReminderSent, Signee, Term
from .pledges import charter_name
from .schedule import month_bounds
from .service import CharterError


@dataclass(frozen=True)
class RecordEntry:
    """One pledge's progress as staff typed it; money as whole pounds."""

    signed_pledge_id: int
    status: str
    figure: int | None
    unit: str | None
    narrative: str
    support_needed: str


class StaleCheckIn(BrokerageError):
    """Someone saved the check-in after this person opened it; their save would overwrite it."""

    status_code = 409

    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this check-in after you opened it, so your changes were not "
            "saved. Reload the page to see what is there now, then make your changes again "
            "if they are still needed."
        )


def record_check_in(
    check_in: CheckIn,
    held_on: date,
    entries: list[RecordEntry],
    actor: User | None,
    *,
    seen_version: int | None = None,
) -> None:
    """Mark the check-in held and set each approved pledge's record (again, if re-recorded).

    `seen_version` is the check-in's version the person's page showed (None: no page, as in
    the demo); a save from an older one raises StaleCheckIn and changes nothing. Every save
    bumps the version, even one that changes only records, so a concurrent save of the same
    version fails at the UPDATE with StaleDataError (a 409 from the app's handler)."""
    if seen_version is not None and seen_version != check_in.version:
        raise StaleCheckIn()
    pledges = {p.id: p for p in check_in.signee.approved_pledges}
    if {e.signed_pledge_id for e in entries} != set(pledges):
        raise CharterError("Record every pledge the signee has made, and only those.")
    if held_on < check_in.term.starts_on:
        raise CharterError(
            f"This term started on {format_date(check_in.term.starts_on)}; "
            "the meeting cannot have been held before that."
        )
    check_in.held_on, check_in.recorded_by = held_on, actor
    flag_modified(check_in, "held_on")  # an UPDATE, and so a new version, on every save
    for entry in entries:
        record = check_in.record_for(pledges[entry.signed_pledge_id])
        if record is None:
            record = CheckInRecord(signed_pledge=pledges[entry.signed_pledge_id])
            check_in.records.append(record)
        record.status = PledgeProgress(entry.status).value
        unit = Unit(entry.unit) if entry.figure is not None and entry.unit else None
        record.unit = unit.value if unit else None
        record.quantity = unit.stored(entry.figure) if unit and entry.figure is not None else None
        record.narrative = entry.narrative.strip()
        record.support_needed = entry.support_needed.strip()
    db.session.flush()


def choose_narrative(record: CheckInRecord, selected: bool) -> None:
    """Quote (or stop quoting) a record's narrative in the annual impact report."""
    if selected and not record.narrative:
        raise CharterError("This record has no narrative to quote.")
    record.in_report = selected
    db.session.flush()


def _open_check_ins() -> Select[CheckIn]:
    """Check-ins not yet held, of approved signees, soonest first."""
    return (
        select(CheckIn)
        .join(CheckIn.term)
        .join(Term.signee)
        .where(CheckIn.held_on.is_(None), Signee.status == SigneeStatus.APPROVED)
        .order_by(CheckIn.due_on, CheckIn.id)
        .options(
            selectinload(CheckIn.term).selectinload(Term.signee).selectinload(Signee.organisation)
        )
    )


@dataclass(frozen=True)
class DueCheckIns:
    due_this_month: list[CheckIn]
    overdue: list[CheckIn]


def due_check_ins(today: date) -> DueCheckIns:
    """Not yet held: due from today to the end of the month, and due before today."""
    _, month_end = month_bounds(today)
    query = _open_check_ins()
    return DueCheckIns(
        due_this_month=list(
            db.session.scalars(query.where(CheckIn.due_on >= today, CheckIn.due_on <= month_end))
        ),
        overdue=list(db.session.scalars(query.where(CheckIn.due_on < today))),
    )


@dataclass(frozen=True)
class CheckInCount:
    """Of one kind of meeting, in a period: how many fell due, how many were held, and of
    those due, how many were still not held when it ended."""

    kind: CheckInKind
    due: int
    held: int
    not_held: int


def check_ins_between(starts_on: date, ends_on: date) -> list[CheckInCount]:
    """Approved signees' meetings due or held from `starts_on` to `ends_on`, by kind."""
    rows = db.session.execute(
        select(CheckIn.kind, CheckIn.due_on, CheckIn.held_on)
        .join(CheckIn.term)
        .join(Term.signee)
        .where(
            Signee.status == SigneeStatus.APPROVED,
            CheckIn.due_on.between(starts_on, ends_on)
            | CheckIn.held_on.between(starts_on, ends_on),
        )
    ).all()

    def within(day: date | None) -> bool:
        return day is not None and starts_on <= day <= ends_on

    return [
        CheckInCount(
            kind,
            due=sum(within(due) for k, due, _ in rows if k == kind),
            held=sum(within(held) for k, _, held in rows if k == kind),
            not_held=sum(
                within(due) and (held is None or held > ends_on)
                for k, due, held in rows
                if k == kind
            ),
        )
        for kind in CheckInKind
    ]


@dataclass(frozen=True)
class ReminderReport:
    until: date
    reminded: list[CheckIn]

    def summary(self) -> str:
        if not self.reminded:
            return f"No check-ins due by {format_date(self.until)} need a reminder."
        lines = [
            f"Sent {len(self.reminded)} reminder{'s' if len(self.reminded) != 1 else ''} "
            f"for check-ins due by {format_date(self.until)}:"
        ]
        lines += [
            f"  {c.due_on:%Y-%m-%d}  {c.kind_enum.label}  {c.signee.name}"
            f" <{c.signee.contact_email}>"
            for c in self.reminded
        ]
        return "\n".join(lines)


def send_reminders(today: date, within_days: int) -> ReminderReport:
    """Remind each signee whose check-in is due within `within_days` and has not been
    reminded. The reminder is recorded before its email is queued, and ReminderSent is
    unique per check-in and kind, so running this again sends nothing twice."""
    until = today + timedelta(days=within_days)
    already = select(ReminderSent.check_in_id).where(ReminderSent.kind == ReminderKind.BEFORE_DUE)
    due = db.session.scalars(
        _open_check_ins().where(
            CheckIn.due_on >= today, CheckIn.due_on <= until, CheckIn.id.not_in(already)
        )
    ).all()
    for check_in in due:
        db.session.add(ReminderSent(check_in=check_in, kind=ReminderKind.BEFORE_DUE.value))
        db.session.flush()
        enqueue(send_check_in_reminder, check_in.id)
    return ReminderReport(until=until, reminded=list(due))


def send_check_in_reminder(check_in_id: int) -> None:
    """The job that emails one reminder; a check-in held meanwhile needs none."""
    check_in = db.session.get(CheckIn, check_in_id)
    if check_in is None or check_in.held_on is not None:
        return
    send_mail(
        check_in.signee.contact_email,
        f"{charter_name()}: your {check_in.kind_enum.label.lower()} is due on "
        f"{format_date(check_in.due_on)}",
        "charter_reminder",
        check_in=check_in,
        signee=check_in.signee,
    )
