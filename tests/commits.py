"""Hearing what commits changed, as a subscriber of `brokerage.changes` would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from brokerage.changes import Committed, Subscriber


@contextmanager
def recorded_commits(app: Flask) -> Iterator[list[Committed]]:
    """What each commit made inside the block changed, heard after every other subscriber."""
    heard: list[Committed] = []
    subscribers = app.extensions["changes.subscribers"]
    app.extensions["changes.subscribers"] = (*subscribers, Subscriber("test", heard.append))
    try:
        yield heard
    finally:
        app.extensions["changes.subscribers"] = subscribers
