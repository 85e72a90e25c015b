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

# Functions remembered at most; past it the memory starts afresh (a request's own
# `after_this_request` functions are new each time).
CHECKED_KEPT = 10_000


class BrokerageFlask(Flask):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synchronous: dict[Callable[..., Any], bool] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        synchronous = self._synchronous.get(func)
        if synchronous is None:
            if len(self._synchronous) >= CHECKED_KEPT:
                self._synchronous.clear()
            synchronous = self._synchronous[func] = not iscoroutinefunction(func)
        return func if synchronous else self.async_to_sync(func)
