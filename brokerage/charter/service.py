"""Charter sign-ups and terms. Services flush, never commit: the caller does.

Every sign-up is its own record and reserves nothing: the public form never adds to another
organisation's sign-up, whatever name it is given. A sign-up whose name looks like an
existing signee's is flagged for staff, who merge it or keep it apart (`duplicates`); its
organisation is found or made only when staff approve it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from .. import audit
from ..accounts.models import Membership, Organisation, User
from ..errors import BrokerageError
from ..extensions import db
from ..formatting import format_date
from ..mail import send_mail
from ..notifications.service import notify
from ..types import utcnow
from .choices import SigneeStatus
from .models import BuddyIntroduction, CheckIn, Pledge, SignedPledge, Signee, Term
from .names import possible_duplicate
from .pledges import charter_name, current_pledges
from .schedule import RENEWAL_OPENS_DAYS, due_dates, term_end

# The staff queue's path, for notifications made outside a request too.
QUEUE_PATH = "/charter/queue"


class CharterError(BrokerageError):
    pass


def today() -> date:
    """The date the charter's schedule is judged against."""
    return utcnow().date()


@dataclass(frozen=True)
class SignUp:
    """What the public form collected; `pledges` maps a pledge's id to what they plan."""

    organisation_name: str
    kind: str
    postcode: str
    sector: str
    size: str
    employees: int
    contact_name: str
    contact_email: str
    listed_publicly: bool
    pledges: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignUpResult:
    signee: Signee
    added: list[SignedPledge]


def sign_up(details: SignUp, on: date) -> SignUpResult:
    """Record a sign-up for staff to approve and email the contact what they pledged."""
    pledges = {p.id: p for p in current_pledges() if p.id in details.pledges}
    if not details.pledges or len(pledges) != len(details.pledges):
        raise CharterError("Choose at least one of the charter's pledges.")
    name = " ".join(details.organisation_name.split())
    signee = Signee(
        organisation_name=name,
        organisation_kind=details.kind,
        postcode=details.postcode,
        possible_duplicate_of=possible_duplicate(name),
        sector=details.sector,
        size=details.size,
        employees=details.employees,
        contact_name=details.contact_name.strip(),
        contact_email=details.contact_email.strip().lower(),
        listed_publicly=details.listed_publicly,
        signed_on=on,
        status=SigneeStatus.PENDING.value,
        signed_pledges=[
            SignedPledge(version=pledge.current, plan=details.pledges[pledge_id].strip())
            for pledge_id, pledge in pledges.items()
        ],
    )
    db.session.add(signee)
    db.session.flush()
    _tell_staff_of_sign_up(signee)
    send_mail(
        signee.contact_email,
        f"Thank you for signing the {charter_name()}",
        "charter_signed_up",
        organisation_name=name,
        added=signee.signed_pledges,
    )
    return SignUpResult(signee=signee, added=list(signee.signed_pledges))


def _tell_staff_of_sign_up(signee: Signee) -> None:
    """An inbox entry and an email for each member of staff: a sign-up waits for them."""
    original = signee.possible_duplicate_of
    if original is None:
        subject = f"New charter sign-up: {signee.name}"
        body = "Approve it or decline it in the charter queue."
    else:
        subject = f"Charter sign-up: {signee.name} may duplicate {original.name}"
        body = "Merge it into the earlier sign-up or keep it apart before approving it."
    notify(db.session.scalars(select(User).where(User.is_staff)), subject, body, QUEUE_PATH)


def registered_organisation(signee: Signee) -> Organisation | None:
    """The organisation approving `signee` would link it to: one already registered under
    its name, ignoring case, as registration compares names."""
    if signee.organisation is not None:
        return signee.organisation
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == signee.name.lower())
    )


def _organisation_on_approval(signee: Signee) -> Organisation:
    """Link the registered organisation of that name, or make one from the sign-up."""
    if signee.possible_duplicate_of is not None:
        raise CharterError(
            f"{signee.name} may be {signee.possible_duplicate_of.name}: merge it or keep it "
            "apart first."
        )
    organisation = registered_organisation(signee)
    if organisation is None:
        organisation = Organisation(
            name=signee.name, kind=signee.organisation_kind, postcode=signee.postcode
        )
        db.session.add(organisation)
    elif db.session.scalar(select(Signee.id).where(Signee.organisation_id == organisation.id)):
        raise CharterError(
            f"{organisation.name} has already signed up: merge this sign-up into it, or decline it."
        )
    return organisation


def approve(signee: Signee, actor: User | None) -> Term | None:
    """Approve a new sign-up (its first term starts on the sign-up date, with its meetings
    scheduled) or the pledges a later sign-up added. Returns the new term, if any."""
    waiting = signee.pledges_awaiting_approval
    term = None
    if signee.status == SigneeStatus.DECLINED:
        raise CharterError("This sign-up was declined.")
    if signee.status == SigneeStatus.PENDING:
        signee.organisation = _organisation_on_approval(signee)
        signee.status = SigneeStatus.APPROVED.value
        signee.approved_at, signee.approved_by = utcnow(), actor
        term = _start_term(signee, signee.signed_on)
    elif not waiting:
        raise CharterError(f"{signee.name} has nothing waiting for approval.")
    for signed_pledge in waiting:
        signed_pledge.approved_at = utcnow()
    audit.record(actor, "charter.approve", f"signee #{signee.id} {signee.name}")
    db.session.flush()
    if term is not None:
        send_mail(
            signee.contact_email,
            f"Welcome to the {charter_name()}",
            "charter_approved",
            signee=signee,
            term=term,
        )
    return term


def decline(signee: Signee, actor: User | None = None) -> None:
    """Decline a new sign-up, or drop the pledges a later sign-up added."""
    if signee.status == SigneeStatus.PENDING:
        signee.status = SigneeStatus.DECLINED.value
    elif signee.status == SigneeStatus.APPROVED and signee.pledges_awaiting_approval:
        for signed_pledge in signee.pledges_awaiting_approval:
            signee.signed_pledges.remove(signed_pledge)
    else:
        raise CharterError(f"{signee.name} has nothing waiting for approval.")
    audit.record(actor, "charter.decline", f"signee #{signee.id} {signee.name}")
    db.session.flush()


def _start_term(signee: Signee, starts_on: date) -> Term:
    number = len(signee.terms) + 1
    term = Term(number=number, starts_on=starts_on, ends_on=term_end(starts_on))
    term.check_ins = [
        CheckIn(kind=kind.value, due_on=due) for kind, due in due_dates(starts_on).items()
    ]
    signee.terms.append(term)
    return term


def renewal_opens_on(term: Term) -> date:
    return term.ends_on - timedelta(days=RENEWAL_OPENS_DAYS)


def renew(signee: Signee, on: date) -> Term:
    """Start the next 12-month term: on the anniversary, or on `on` if that has passed.
    Earlier terms and their check-ins are kept."""
    term = signee.current_term
    if signee.status != SigneeStatus.APPROVED or term is None:
        raise CharterError("Only an approved signee's term can be renewed.")
    if on < renewal_opens_on(term):
        raise CharterError(
            f"Term {term.number} ends on {format_date(term.ends_on)}; it can be renewed from "
            f"{format_date(renewal_opens_on(term))}."
        )
    new_term = _start_term(signee, max(term.ends_on, on))
    db.session.flush()
    return new_term


def introduce_buddy(
    signee: Signee, buddy: Organisation, pledge: Pledge, actor: User, on: date
) -> BuddyIntroduction:
    """Record that staff introduced the signee to `buddy` for help with `pledge`."""
    if buddy.id == signee.organisation_id:
        raise CharterError("An organisation cannot be its own buddy.")
    if pledge.id not in {p.pledge_id for p in signee.approved_pledges}:
        raise CharterError(f"{signee.name} has not made that pledge.")
    introduction = BuddyIntroduction(
        buddy=buddy, pledge=pledge, introduced_by=actor, introduced_on=on
    )
    signee.introductions.append(introduction)
    db.session.flush()
    return introduction


def _with_pledges(query: Select[Signee]) -> Select[Signee]:
    return query.options(
        selectinload(Signee.organisation),
        selectinload(Signee.signed_pledges).selectinload(SignedPledge.version),
    )


def listed_signees() -> list[Signee]:
    """Approved signees who agreed to be listed publicly, by name."""
    return list(
        db.session.scalars(
            _with_pledges(
                select(Signee)
                .join(Signee.organisation)
                .where(Signee.status == SigneeStatus.APPROVED, Signee.listed_publicly)
                .order_by(func.lower(Organisation.name))
            )
        )
    )


def waiting_for_approval() -> list[Signee]:
    """New sign-ups, and approved signees to whom a later sign-up added pledges; oldest first."""
    waiting_pledge = SignedPledge.approved_at.is_(None)
    return list(
        db.session.scalars(
            _with_pledges(
                select(Signee)
                .where(
                    (Signee.status == SigneeStatus.PENDING)
                    | (
                        (Signee.status == SigneeStatus.APPROVED)
                        & Signee.signed_pledges.any(waiting_pledge)
                    )
                )
                .order_by(Signee.created_at, Signee.id)
            )
        )
    )


def approved_signees_query() -> Select[Signee]:
    """Approved signees by name, for a paginated list."""
    return _with_pledges(
        select(Signee)
        .join(Signee.organisation)
        .where(Signee.status == SigneeStatus.APPROVED)
        .order_by(func.lower(Organisation.name))
        .options(selectinload(Signee.terms).selectinload(Term.check_ins))
    )


def signees_of(user: User) -> list[Signee]:
    """The sign-ups of the organisations `user` acts for."""
    return list(
        db.session.scalars(
            select(Signee)
            .join(Membership, Membership.organisation_id == Signee.organisation_id)
            .where(Membership.user_id == user.id)
        )
    )


def check_ins_recorded_by(user: User) -> list[dict[str, Any]]:
    """The check-ins `user` recorded and what they wrote for each pledge, for their data
    download."""
    check_ins = db.session.scalars(
        select(CheckIn).where(CheckIn.recorded_by_id == user.id).order_by(CheckIn.id)
    )
    return [
        {
            "organisation": check_in.signee.name,
            "kind": check_in.kind,
            "due_on": check_in.due_on,
            "held_on": check_in.held_on,
            "pledges": [
                {
                    "pledge": record.signed_pledge.version.title,
                    "status": record.status,
                    "quantity": record.quantity,
                    "unit": record.unit,
                    "narrative": record.narrative,
                    "support_needed": record.support_needed,
                }
                for record in check_in.records
            ],
        }
        for check_in in check_ins
    ]


def buddy_candidates(signee: Signee) -> list[Organisation]:
    """Organisations staff may record as a buddy: every organisation but the signee's own."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.id != signee.organisation_id)
            .order_by(func.lower(Organisation.name))
        )
    )
