"""Telling people what happened, in the inbox and by email."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import CursorResult, Select, func, select, update

from ..accounts.models import User
from ..extensions import db
from ..links import absolute_path
from ..mail import send_mail
from ..types import utcnow
from .models import Notification

MAX_BODY = 2000


def notify(
    people: Iterable[User], subject: str, body: str = "", link: str = "", *, email: bool = True
) -> list[Notification]:
    """One inbox entry (and, unless `email` is False, one email) per person, each once."""
    if link and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"a notification links inside the site, not to {link!r}")
    made = []
    for person in {p.id: p for p in people}.values():
        notification = Notification(
            user_id=person.id, subject=subject[:200], body=body[:MAX_BODY], link=link
        )
        db.session.add(notification)
        made.append(notification)
        if email:
            send_mail(
                person.email,
                subject[:200],
                "notification",
                person=person,
                body=body,
                link=absolute_path(link) if link else "",
            )
    db.session.flush()
    return made


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def inbox_query(user: User) -> Select[Notification]:
    """Newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def notifications_of(user: User) -> list[dict[str, Any]]:
    """The person's inbox, newest first, for their data download."""
    return [
        {
            "subject": n.subject,
            "body": n.body,
            "link": n.link,
            "created_at": n.created_at,
            "read_at": n.read_at,
        }
        for n in db.session.scalars(inbox_query(user))
    ]


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()


def mark_all_read(user: User) -> int:
    """Mark every unread notification of `user` read; returns how many there were."""
    statement = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # An UPDATE answers with a cursor result, which holds the row count.
    result = cast("CursorResult[Any]", db.session.execute(statement))
    return result.rowcount or 0
