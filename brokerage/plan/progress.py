"""How far a set of actions has got: counts by status, shares, overdue, and a RAG rating.

Pure: works on anything with `status` and `ends_on`, so it is tested without a database.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from .states import ActionStatus

# Red when at least this share of actions is off track or overdue.
RED_SHARE = 0.25


class Rag(enum.StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NONE = "none"

    @property
    def label(self) -> str:
        return "No actions" if self is Rag.NONE else self.value.capitalize()


# Read-only members, so a frozen dataclass (ActionOnDay) fits as well as a model.
class Trackable(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def ends_on(self) -> date | None: ...


class Posted(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


@dataclass(frozen=True)
class ActionOnDay:
    """An action as it stood on a past day, for `summarise`."""

    status: str
    ends_on: date | None


def as_of(ends_on: date | None, updates: Iterable[Posted], day: date) -> ActionOnDay:
    """The action at the end of `day`: the status of the last update posted by then, or not
    started before its first (only an update sets an action's status)."""
    posted = [update for update in updates if update.created_at.date() <= day]
    latest = max(posted, key=lambda update: update.created_at, default=None)
    return ActionOnDay(latest.status if latest else ActionStatus.NOT_STARTED.value, ends_on)


def is_overdue(ends_on: date | None, status: str, today: date) -> bool:
    """Past its end date and not done; without an end date nothing is overdue."""
    return ends_on is not None and ends_on < today and status != ActionStatus.DONE


@dataclass(frozen=True)
class Progress:
    total: int
    by_status: dict[ActionStatus, int]
    overdue: int
    # Off track or overdue, each action counted once.
    troubled: int

    @property
    def done(self) -> int:
        return self.by_status[ActionStatus.DONE]

    @property
    def at_risk(self) -> int:
        return self.by_status[ActionStatus.AT_RISK]

    def share(self, count: int) -> float:
        return count / self.total if self.total else 0.0

    @property
    def rag(self) -> Rag:
        """Red if a quarter or more are off track or overdue; amber if any is, or any is
        at risk; green otherwise."""
        if not self.total:
            return Rag.NONE
        if self.share(self.troubled) >= RED_SHARE:
            return Rag.RED
        if self.troubled or self.at_risk:
            return Rag.AMBER
        return Rag.GREEN


def summarise(actions: Iterable[Trackable], today: date) -> Progress:
    actions = list(actions)
    statuses = Counter(ActionStatus(a.status) for a in actions)
    overdue = [is_overdue(a.ends_on, a.status, today) for a in actions]
    troubled = sum(
        late or a.status == ActionStatus.OFF_TRACK for a, late in zip(actions, overdue, strict=True)
    )
    return Progress(
        total=len(actions),
        by_status={status: statuses[status] for status in ActionStatus},
        overdue=sum(overdue),
        troubled=troubled,
    )
