"""When two organisation names are probably the same organisation: the comparison a
sign-up is flagged by, so staff (never a visitor's typing) decide whether to merge."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .choices import SigneeStatus
from .models import Signee

# Legal forms that say nothing about which organisation it is, in their usual spellings.
LEGAL_SUFFIXES = frozenset(
    {"ltd", "limited", "plc", "llp", "lp", "cic", "cio", "co", "company", "inc", "uk"}
)
# Which signee a duplicate is flagged against when several match: the one staff act on.
STATUS_ORDER = {SigneeStatus.APPROVED: 0, SigneeStatus.PENDING: 1, SigneeStatus.DECLINED: 2}


def name_key(name: str) -> str:
    """`name` without case, punctuation, repeated spaces, a leading "the" or trailing legal
    forms: "The Cowley Bakery Ltd." and "cowley  bakery limited" give the same key."""
    text = re.sub(r"[.'’]", "", name.replace("&", " and ").casefold())
    words = re.sub(r"[^\w\s]|_", " ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    while words and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def possible_duplicate(name: str) -> Signee | None:
    """The existing signee whose name gives the same key as `name`, if any: approved first,
    then pending, then declined; the oldest of those."""
    key = name_key(name)
    if not key:
        return None
    signees = db.session.scalars(
        select(Signee).options(selectinload(Signee.organisation)).order_by(Signee.id)
    )
    matches = [signee for signee in signees if name_key(signee.name) == key]
    return min(matches, key=lambda s: STATUS_ORDER[s.status_enum], default=None)
