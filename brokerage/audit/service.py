"""Recording and reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from ..extensions import db
from .models import AuditEntry

# The actions recorded, as staff read them in the log.
ACTIONS = {
    "organisation.verify": "Verified an organisation",
    "organisation.unverify": "Withdrew an organisation's verification",
    "listing.unpublish": "Unpublished a listing",
    "roles.change": "Changed someone's platform roles",
    "priority_place.save": "Saved a priority place",
    "proxy_value.add": "Added a proxy value",
    "policy.change": "Changed the matching policy",
    "charter.approve": "Approved a charter sign-up",
    "charter.decline": "Declined a charter sign-up",
    "charter.merge": "Merged a charter sign-up into the signee it duplicated",
    "charter.keep_apart": "Kept a possible duplicate charter sign-up apart",
    "trades.classify": "Classified a trade kept as words from a file",
    "types.classify": "Classified an organisation type kept as words from a file",
}


def record(actor: Any, action: str, subject: str, **details: Any) -> AuditEntry:
    """Add an entry for `actor` (a user, or None for the command line) to the session.

    The caller's transaction commits it with the change it describes, or neither lands.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        by_person=actor is not None,
        actor_id=getattr(actor, "id", None),
        action=action,
        subject=subject[:200],
        details=details,
    )
    db.session.add(entry)
    return entry


def entries_by(actor: Any) -> list[dict[str, Any]]:
    """What `actor` did that the log recorded, oldest first, for their data download."""
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.actor_id == actor.id).order_by(AuditEntry.id)
    )
    return [
        {
            "at": e.at,
            "action": ACTIONS.get(e.action, e.action),
            "subject": e.subject,
            "details": e.details,
        }
        for e in entries
    ]


def entries_query(action: str | None = None) -> Select[AuditEntry]:
    """Newest first, optionally one kind of action."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        query = query.where(AuditEntry.action == action)
    return query
