"""The catalogue in force, kept per process as plain data.

Reading it takes eight queries and a few hundred ORM objects, and the directory's search
form, its theme filter and every matches page need it on every request, while it changes
only when staff load a framework. So its matching-core view (`Catalogue`: frozen
`MeasureInfo`s, never ORM objects, so it is safe across sessions and threads) is kept,
keyed by the version of the "toms" topic: a change committed by any process (`flask toms
load`, another web worker) is seen by the next transaction here, and a transaction that
has written the catalogue itself reads it afresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from ..caching import versions_of
from ..extensions import database_name
from ..matching import Catalogue

TOPICS = ("toms",)


@dataclass(frozen=True)
class _Held:
    versions: tuple[int, ...]
    catalogue: Catalogue


_held: dict[str, _Held] = {}
_lock = threading.Lock()


def cached_catalogue(read: Callable[[], Catalogue]) -> Catalogue:
    """The catalogue `read` gives, read again only when a commit has changed it."""
    versions = versions_of(TOPICS)
    if versions is None:
        return read()
    key = database_name()  # tests and tools may build apps on other databases
    held = _held.get(key)
    if held is None or held.versions != versions:
        held = _Held(versions, read())
        with _lock:
            _held[key] = held
    return held.catalogue
