"""Account and organisation operations. Services flush, never commit: the caller does."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from .. import audit
from ..errors import BrokerageError
from ..extensions import db
from ..formatting import format_date
from ..mail import send_mail
from ..partnership import current_partnership
from ..types import utcnow
from . import identifiers, tokens
from .models import (
    ApiToken,
    Invitation,
    MemberRole,
    Membership,
    Organisation,
    User,
    new_session_token,
)
from .passwords import hash_password, verify_password

LinkMaker = Callable[[str], str]
RESET_PURPOSE = "password-reset"
INVITATION_PURPOSE = "invitation"
CONFIRMATION_PURPOSE = "email-confirmation"


class EmailTaken(BrokerageError):
    pass


class EmailNotConfirmed(BrokerageError):
    """The right password for an account whose address has not been confirmed yet."""

    def __init__(self, user: User) -> None:
        super().__init__("Confirm your email address before you log in.")
        self.user = user


@dataclass(frozen=True)
class SignUpLinks:
    """Where the emails sent at sign-up point: a confirmation link made from a token, or,
    for an address that already has an account, the log-in and password reset pages."""

    confirm: LinkMaker
    log_in: str
    reset_password: str


class NameTaken(BrokerageError):
    pass


class IdentifierTaken(BrokerageError):
    """A company or charity number another organisation already has; `column` names it."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


class NotAllowed(BrokerageError):
    status_code = 403


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def register_user(email: str, name: str, password: str, *, confirmed: bool = True) -> User:
    """A new account. Confirmed unless it signed itself up: staff at the command line and
    the demo data vouch for their addresses; a person at the form proves theirs by email."""
    if find_user_by_email(email) is not None:
        raise EmailTaken(
            "An account with this email already exists. Log in or reset your password."
        )
    return _add_user(email, name, hash_password(password), confirmed=confirmed)


def _add_user(email: str, name: str, password_hash: str, *, confirmed: bool) -> User:
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=password_hash,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, name: str, password: str, links: SignUpLinks) -> None:
    """Make an unconfirmed account and email it a confirmation link; for an address that
    already has an account, email its owner instead and change nothing.

    The caller is told nothing, so the form answers the same either way; and both ways do
    the same slow work (one lookup, one password hash, one email), so neither does the
    time it takes tell whether an address has an account.
    """
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is None:
        user = _add_user(email, name, password_hash, confirmed=False)
        send_confirmation(user, links.confirm)
        return
    send_mail(
        existing.email, "You already have an account", "account_exists", user=existing, links=links
    )


def send_confirmation(user: User, make_link: LinkMaker) -> None:
    token = tokens.sign(CONFIRMATION_PURPOSE, {"u": user.id, "e": tokens.fingerprint(user.email)})
    send_mail(
        user.email, "Confirm your email address", "confirm_email", user=user, link=make_link(token)
    )


def user_for_confirmation_token(token: str, max_age: timedelta) -> User:
    """The unconfirmed account a confirmation link is for; refused once it is confirmed."""
    payload = tokens.unsign(CONFIRMATION_PURPOSE, token, max_age)
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or payload.get("e") != tokens.fingerprint(user.email):
        raise tokens.InvalidLink("This link is no longer valid. Please register again.")
    if user.is_confirmed:
        raise tokens.InvalidLink("Your email address is already confirmed. Please log in.")
    return user


def confirm_email(user: User) -> None:
    """Opening a link sent to the address proves the person reads it."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()


def purge_unconfirmed(older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Delete accounts whose address was not confirmed within `older_than` of signing up,
    and return their addresses. Their link has expired and the address may not even be the
    signer's: keeping them would hold personal data for nothing. An unconfirmed account
    cannot log in, so nothing else depends on it."""
    cutoff = (now or utcnow()) - older_than
    stale = db.session.scalars(
        select(User)
        .where(User.email_confirmed_at.is_(None), User.created_at < cutoff)
        .order_by(User.id)
    ).all()
    for user in stale:
        db.session.delete(user)
    db.session.flush()
    return [user.email for user in stale]


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials, or None; the same work is done either way.

    Raises EmailNotConfirmed for the right password to an account not yet confirmed: only
    someone who knows the password learns that.
    """
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.is_confirmed:
        raise EmailNotConfirmed(user)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie the person has: each carries the session
    token (`User.get_id`), which the loader looks up, so a new token leaves every copy made
    before pointing at no one. The caller signs the current browser in again if it stays."""
    user.session_token = new_session_token()


def set_password(user: User, new_password: str) -> None:
    """Change the password and sign the user out of every session."""
    user.password_hash = hash_password(new_password)
    end_sessions(user)


def reset_password(user: User, new_password: str) -> None:
    """Set a password from an emailed reset link, which also proves the address: so an
    account someone else signed up with this address becomes its owner's."""
    set_password(user, new_password)
    confirm_email(user)


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise BrokerageError("Your current password is not correct.")
    set_password(user, new_password)


def send_password_reset(email: str, make_link: LinkMaker) -> None:
    """Email a reset link if the address has an account; say nothing either way."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = tokens.sign(RESET_PURPOSE, {"u": user.id, "p": tokens.fingerprint(user.password_hash)})
    send_mail(user.email, "Reset your password", "password_reset", user=user, link=make_link(token))


def user_for_reset_token(token: str, max_age: timedelta) -> User:
    """The user a reset link is for; refused once the password has changed (single use)."""
    payload = tokens.unsign(RESET_PURPOSE, token, max_age)
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if user is None or payload.get("p") != tokens.fingerprint(user.password_hash):
        raise tokens.InvalidLink(
            "This reset link has already been used or is no longer valid. Please ask for a new one."
        )
    return user


def create_organisation(
    owner: User,
    name: str,
    kind: str,
    postcode: str,
    description: str,
    *,
    company_number: str | None = None,
    charity_number: str | None = None,
) -> Organisation:
    """A new organisation with `owner` as its owner; the numbers as identifiers reads them."""
    if db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    ):
        raise NameTaken("An organisation with this name is already registered.")
    numbers = {"company_number": company_number or None, "charity_number": charity_number or None}
    _refuse_taken_identifiers(numbers, None)
    organisation = Organisation(
        name=name.strip(), kind=kind, postcode=postcode, description=description, **numbers
    )
    organisation.memberships.append(Membership(user=owner, role=MemberRole.OWNER.value))
    db.session.add(organisation)
    db.session.flush()
    return organisation


def update_organisation(
    organisation: Organisation,
    name: str,
    postcode: str,
    description: str,
    *,
    company_number: str | None = None,
    charity_number: str | None = None,
) -> None:
    clash = db.session.scalar(
        select(Organisation).where(
            func.lower(Organisation.name) == name.strip().lower(),
            Organisation.id != organisation.id,
        )
    )
    if clash is not None:
        raise NameTaken("An organisation with this name is already registered.")
    numbers = {"company_number": company_number or None, "charity_number": charity_number or None}
    _refuse_taken_identifiers(numbers, organisation.id)
    organisation.name, organisation.postcode, organisation.description = (
        name.strip(),
        postcode,
        description,
    )
    organisation.company_number = numbers["company_number"]
    organisation.charity_number = numbers["charity_number"]


def _refuse_taken_identifiers(numbers: dict[str, str | None], organisation_id: int | None) -> None:
    """IdentifierTaken, naming the owner, for a number another organisation has."""
    for column, number in numbers.items():
        if not number:
            continue
        owner = db.session.scalar(
            select(Organisation.name).where(
                getattr(Organisation, column) == number, Organisation.id != (organisation_id or 0)
            )
        )
        if owner is not None:
            raise IdentifierTaken(column, identifiers.taken(column, number, owner))


def invite_member(
    organisation: Organisation, inviter: User, email: str, role: str, make_link: LinkMaker
) -> Invitation:
    email = normalise_email(email)
    if any(m.user.email == email for m in organisation.memberships):
        raise BrokerageError(f"{email} is already a member of {organisation.name}.")
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=inviter)
    db.session.add(invitation)
    db.session.flush()
    send_mail(
        email,
        f"Join {organisation.name} on the {current_partnership().area} social value brokerage",
        "invitation",
        invitation=invitation,
        link=make_link(tokens.sign(INVITATION_PURPOSE, invitation.id)),
    )
    return invitation


def invitation_for_token(token: str, max_age: timedelta) -> Invitation:
    invitation_id = tokens.unsign(INVITATION_PURPOSE, token, max_age)
    invitation = (
        db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None
    )
    if invitation is None:
        raise tokens.InvalidLink("This invitation has been withdrawn.")
    if invitation.accepted_at is not None:
        raise tokens.InvalidLink("This invitation has already been used.")
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    if user.email != invitation.email:
        raise NotAllowed(
            f"This invitation was sent to {invitation.email}. "
            "Log in with that address to accept it."
        )
    invitation.accepted_at, invitation.accepted_by_id = utcnow(), user.id
    membership = user.membership_in(invitation.organisation)
    if membership is None:
        membership = Membership(
            user=user, organisation=invitation.organisation, role=invitation.role
        )
        db.session.add(membership)
    elif invitation.role == MemberRole.OWNER.value:
        membership.role = invitation.role  # an owner's invitation promotes, never demotes
    db.session.flush()
    return membership


class ApiTokenExpired(BrokerageError):
    status_code = 401


def create_api_token(user: User, name: str) -> str:
    """Make a token and return its secret: the only time anyone sees it. It expires after
    the configured `API_TOKEN_DAYS`."""
    secret = "svb_" + secrets.token_urlsafe(32)
    lifetime = timedelta(days=current_app.config["API_TOKEN_DAYS"])
    user.api_tokens.append(
        ApiToken(
            name=name.strip(),
            token_digest=ApiToken.digest(secret),
            prefix=secret[:10],
            expires_at=utcnow() + lifetime,
        )
    )
    db.session.flush()
    return secret


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()


def active_api_token(secret: str) -> ApiToken | None:
    """The token with this secret, or None if there is none or it was revoked; raises
    ApiTokenExpired, which says when, for one that has expired."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_digest == ApiToken.digest(secret))
    )
    if token is None or not token.is_active:
        return None
    if token.has_expired:
        raise ApiTokenExpired(
            f"This API token expired on {format_date(token.expires_at)}. "
            "Make a new one on your account page."
        )
    return token


def note_token_use(token: ApiToken) -> None:
    """Record that `token` was used now (shown on the account page). Tokens are a topic no
    cache reads, so this write makes nothing be worked out again."""
    token.last_used_at = utcnow()


def set_platform_roles(
    user: User,
    *,
    staff: bool | None = None,
    task_force: bool | None = None,
    actor: User | None = None,
) -> None:
    """Grant or withdraw staff and task-force roles; a change is written to the audit log."""
    before = (user.is_staff, user.is_task_force)
    if staff is not None:
        user.is_staff = staff
    if task_force is not None:
        user.is_task_force = task_force
    if (user.is_staff, user.is_task_force) != before:
        audit.record(
            actor,
            "roles.change",
            f"user #{user.id}",  # not the name: the log outlives a deleted account
            staff=user.is_staff,
            task_force=user.is_task_force,
        )
