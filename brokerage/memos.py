"""A process's memory of work it may be asked for again: the one bounded memo the app's
hand-kept memories share (checked session cookies, signed CSRF tokens, hooks' async check,
drawn form fields and their options, a directory index's word matches).

`functools.lru_cache` serves a pure function of hashable arguments; a `Memo` serves the
rest: values kept by callers that work them out in more than one way, or that must look
before they work (a session cookie whose signature fails is not kept). Safe between a web
process's threads; past `limit` entries the least recently used goes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("A memo keeps at least one entry.")
        self.limit = limit
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value kept for `key`, now the most recently used; None if none is kept."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def keep(self, key: K, value: V) -> V:
        """Keep `value` for `key` (the least recently used going past `limit`); returns it."""
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            if len(self._entries) > self.limit:
                self._entries.popitem(last=False)
        return value

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
