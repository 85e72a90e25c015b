"""The app's Flask class: Flask, with each function's sync-or-async check made once.

Flask asks `inspect.iscoroutinefunction` of every hook and view it calls, on every request
(about 25 a page, a fortieth of the layout's floor), though a function's kind never
changes. Here Flask's answer is remembered per function: an `async def` one is still
wrapped by `async_to_sync` (on each call, as Flask does), a plain one is returned as it is.
"""

from __future__ import annotations

from collections.abc import Callable
from inspect import iscoroutinefunction
from typing import Any

from flask import Flask

from .memos import Memo

# Functions remembered at most; past it the least recently used go (a request's own
# `after_this_request` functions are new each time, and go first).
CHECKED_KEPT = 10_000


class BrokerageFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synchronous: Memo[Callable[..., Any], bool] = Memo(CHECKED_KEPT)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        synchronous = self._synchronous.get(func)
        if synchronous is None:
            synchronous = self._synchronous.keep(func, not iscoroutinefunction(func))
        return func if synchronous else self.async_to_sync(func)
