"""A person's rights over their own data: a copy of it, and erasure of their account.

Erasure keeps what other people depend on. Foreign keys to `users` say how: rows that are
only the person's go with them (ON DELETE CASCADE: memberships, API tokens); rows that
others rely on stay with the author cleared (ON DELETE SET NULL: invitations they sent,
plan progress updates they wrote). Features below `accounts` in the layers need no import
here, and a feature added later is held to the same rule by a test on the schema.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select

from ..errors import BrokerageError
from ..extensions import db
from .models import Invitation, User
from .passwords import verify_password


class WrongPassword(BrokerageError):
    status_code = 400


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def personal_data(user: User) -> dict[str, Any]:
    """Everything the accounts records hold about `user`, as plain JSON-ready values.

    Secrets are left out: the password hash and API token digests are never exported.
    """
    sent = db.session.scalars(
        select(Invitation).where(Invitation.invited_by_id == user.id).order_by(Invitation.id)
    )
    return {
        "profile": {
            "id": user.id,
            "name": user.name,
            "email": user.email,
            "staff": user.is_staff,
            "task_force": user.is_task_force,
            "created_at": _when(user.created_at),
            "last_login_at": _when(user.last_login_at),
        },
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "role": m.role,
                "since": _when(m.created_at),
            }
            for m in sorted(user.memberships, key=lambda m: m.organisation.name.lower())
        ],
        "api_tokens": [
            {
                "name": t.name,
                "starts_with": t.prefix,
                "created_at": _when(t.created_at),
                "last_used_at": _when(t.last_used_at),
                "revoked_at": _when(t.revoked_at),
            }
            for t in user.api_tokens
        ],
        "invitations_sent": [
            {
                "organisation": i.organisation.name,
                "email": i.email,
                "role": i.role,
                "sent_at": _when(i.created_at),
                "accepted_at": _when(i.accepted_at),
            }
            for i in sent
        ],
    }


def delete_account(user: User, password: str) -> None:
    """Erase `user` once their password confirms it is them.

    Organisations they own alone stay (staff can invite a new owner). Invitations they
    accepted go too: they named the person and only led to a membership that is now gone.
    """
    if not verify_password(user.password_hash, password):
        raise WrongPassword("Your password is not correct, so your account has not been deleted.")
    db.session.execute(
        delete(Invitation).where(Invitation.accepted_by_id == user.id),
        execution_options={"synchronize_session": False},
    )
    db.session.delete(user)
    db.session.flush()
