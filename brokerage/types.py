"""Column types shared by every feature's models."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time as an aware UTC datetime: the only kind the app stores."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on PostgreSQL and SQLite alike.

    SQLite has no time zones, so values come back naive; this puts UTC back on them
    and refuses naive datetimes on the way in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; the app stores aware UTC times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def in_list(column: str, values: type[enum.StrEnum]) -> str:
    """A CHECK constraint body keeping `column` to an enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Person(Protocol):
    """Whoever asks, as rules below the accounts layer read them: a `User`, or Flask-Login's
    anonymous visitor (whose `is_authenticated` is False, and who is asked nothing else)."""

    @property
    def is_authenticated(self) -> bool: ...

    is_staff: bool
