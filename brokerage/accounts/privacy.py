"""A person's rights over their own data: a copy of it, and erasure of their account.

The copy holds the accounts records below, and what each feature above accounts in the
layers (notifications, match messages, charter check-ins, plan updates, the audit log)
registers with `register_personal_data` at app creation: accounts imports none of them.

Erasure keeps what other people depend on. Foreign keys to `users` say how: rows that are
only the person's go with them (ON DELETE CASCADE: memberships, API tokens); rows that
others rely on stay with the author cleared (ON DELETE SET NULL: invitations they sent,
plan progress updates they wrote). Features below `accounts` in the layers need no import
here, and a feature added later is held to the same rule by a test on the schema.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, select

from ..errors import BrokerageError
from ..extensions import db
from .models import Invitation, User
from .passwords import verify_password

EXTENSION = "accounts_personal_data"
# A feature's records about one person: one dict per record, values JSON-ready or dates.
PersonalRecords = Callable[[User], list[dict[str, Any]]]


class WrongPassword(BrokerageError):
    status_code = 400


def register_personal_data(app: Flask, section: str, records: PersonalRecords) -> None:
    """Add a feature's records to every person's data download, under `section`."""
    app.extensions.setdefault(EXTENSION, {})[section] = records


def _plain(value: Any) -> Any:
    """Dates and times as ISO 8601 text, inside dicts and lists too."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def personal_data(user: User) -> dict[str, Any]:
    """Everything the site holds about `user`, as plain JSON-ready values: the accounts
    records, then each registered feature's section.

    Secrets are left out: the password hash and API token digests are never exported.
    """
    sections = current_app.extensions.get(EXTENSION, {})
    return _accounts_data(user) | {
        section: _plain(records(user)) for section, records in sections.items()
    }


def _accounts_data(user: User) -> dict[str, Any]:
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
            "created_at": _plain(user.created_at),
            "email_confirmed_at": _plain(user.email_confirmed_at),
            "last_login_at": _plain(user.last_login_at),
        },
        "memberships": [
            {
                "organisation_id": m.organisation_id,
                "organisation": m.organisation.name,
                "role": m.role,
                "since": _plain(m.created_at),
            }
            for m in sorted(user.memberships, key=lambda m: m.organisation.name.lower())
        ],
        "api_tokens": [
            {
                "name": t.name,
                "starts_with": t.prefix,
                "created_at": _plain(t.created_at),
                "last_used_at": _plain(t.last_used_at),
                "revoked_at": _plain(t.revoked_at),
                "expires_at": _plain(t.expires_at),
            }
            for t in user.api_tokens
        ],
        "invitations_sent": [
            {
                "organisation": i.organisation.name,
                "email": i.email,
                "role": i.role,
                "sent_at": _plain(i.created_at),
                "accepted_at": _plain(i.accepted_at),
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
