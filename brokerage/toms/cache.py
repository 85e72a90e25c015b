"""The catalogue in force, kept per process as plain data.

Reading it takes eight queries and a few hundred ORM objects, and the directory's search
form, its theme filter and every matches page need it on every request, while it changes
only when staff load a framework. So its matching-core view (`Catalogue`: frozen
`MeasureInfo`s, never ORM objects, so it is safe across sessions and threads) is kept:

- a flush in this process that writes any catalogue record drops it at once (the writer
  may read it next), and so do that transaction's commit or rollback;
- another process's change (`flask toms load`, another web worker) is seen once the copy
  is `TOMS_CATALOGUE_SECONDS` old (default 5 s): the catalogue has no change stamp to ask
  the database for, and reading it again that often costs little.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..matching import Catalogue
from .models import Framework, FrameworkVersion, Measure, Outcome, Theme

DEFAULT_MAX_AGE_SECONDS = 5.0
# What a catalogue's MeasureInfo is made of (proxy values are not part of it).
WATCHED = (Framework, FrameworkVersion, Theme, Outcome, Measure)
_TOUCHED = "toms_catalogue_touched"


@dataclass(frozen=True)
class _Held:
    generation: int
    read_at: float
    catalogue: Catalogue


_numbers = itertools.count(1)
_generation = 0
_held: dict[str, _Held] = {}
_lock = threading.Lock()


def _invalidate() -> None:
    global _generation  # noqa: PLW0603 (one number per process, bumped under the GIL)
    _generation = next(_numbers)


def forget() -> None:
    """Drop every kept catalogue: for changes undone behind the session's back (the test
    suite rolls each test's connection back, which no session event sees)."""
    _invalidate()


def cached_catalogue(read: Callable[[], Catalogue]) -> Catalogue:
    """The catalogue `read` gives, read again only when it may have changed."""
    key = str(db.engine.url)  # tests and tools may build apps on other databases
    max_age = current_app.config.get("TOMS_CATALOGUE_SECONDS", DEFAULT_MAX_AGE_SECONDS)
    generation, now = _generation, time.monotonic()
    held = _held.get(key)
    if held is None or held.generation != generation or now - held.read_at >= max_age:
        held = _Held(generation, now, read())
        with _lock:
            _held[key] = held
    return held.catalogue


@event.listens_for(Session, "after_flush")
def _note_catalogue_writes(session: Session, context: Any) -> None:
    changed = itertools.chain(session.new, session.dirty, session.deleted)
    if any(isinstance(record, WATCHED) for record in changed):
        _invalidate()
        session.info[_TOUCHED] = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction: Any) -> None:
    """A catalogue read from changes since rolled back must not outlive them."""
    if session.info.pop(_TOUCHED, False):
        _invalidate()


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """Another thread may have read the catalogue between the flush and the commit."""
    if session.info.pop(_TOUCHED, False):
        _invalidate()
