"""Closed means closed: a need or an opportunity past its deadline, an offer past the end
of its availability, leaves search, matches and "for you" on the day after, and its page
says "Closed". Nothing is written when the date passes: every reader asks `still_open`
(in SQL) or `is_closed` (in Python) against `service.today()`, and the daily
`flask match expire` expires the matches of what closed.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol

from sqlalchemy import BindParameter, ColumnElement, or_

from . import service
from .choices import ListingStatus
from .models import Listing, Need, Offer, Opportunity

# A day in SQL: a date, or a parameter a statement built once is given it by.
Day = date | BindParameter[date]
# The date after which each kind of listing is closed.
CLOSING_COLUMN: dict[type[Listing], str] = {
    Offer: "available_to",
    Need: "deadline",
    Opportunity: "deadline",
}


class ReadAsColumns(Protocol):
    """A listing read as columns (a profile page's line of it), its last day among them."""

    @property
    def status(self) -> str: ...

    @property
    def closes_on(self) -> date | None: ...


def closes_on(listing: Listing | ReadAsColumns) -> date | None:
    """The last day the listing is open (None: it stays open)."""
    if isinstance(listing, Listing):
        return getattr(listing, CLOSING_COLUMN[type(listing)])
    return listing.closes_on


def is_closed(listing: Listing | ReadAsColumns, today: date | None = None) -> bool:
    """A published listing whose last day has passed (a draft or an archived listing says
    so itself)."""
    last_day = closes_on(listing)
    return (
        listing.status == ListingStatus.PUBLISHED.value
        and last_day is not None
        and last_day < (today or service.today())
    )


def open_and_published(model: type[Listing], today: Day | None = None) -> ColumnElement[bool]:
    """SQL: published and not closed: what search, matches and "for you" list (on `today`,
    a date or a bound parameter of a statement built once, else the service's today)."""
    return (model.status == ListingStatus.PUBLISHED.value) & still_open(model, today)


def still_open(model: type[Listing], today: Day | None = None) -> ColumnElement[bool]:
    """SQL: the listing's last day has not passed (or it has none)."""
    column: Any = getattr(model, CLOSING_COLUMN[model])
    return or_(column.is_(None), column >= (service.today() if today is None else today))
