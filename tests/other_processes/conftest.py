"""Two apps on one database, as two processes would be (each with its own engine, session
and per-process caches): what one commits, the other must show at once. Like the
resilience tests they commit for real, into a database of their own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from redis import Redis

from brokerage.extensions import db
from brokerage.toms.service import load_shipped_frameworks
from tests.helpers.app import build_test_app, committing_session, fresh_database
from tests.helpers.redis_server import TEST_REDIS_URL


@pytest.fixture(scope="package", params=["embedded", "redis"])
def apps(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """The first and the second process: each caching in its own memory, or both in Redis."""
    tmp = tmp_path_factory.mktemp("processes")
    settings = {"REDIS_URL": TEST_REDIS_URL} if request.param == "redis" else {}
    with fresh_database(tmp, "processes") as url:
        first = build_test_app(url, str(tmp / "outbox"), **settings)
        second = build_test_app(url, str(tmp / "outbox"), **settings)
        with first.app_context():
            load_shipped_frameworks()
            db.session.commit()
        yield first, second
        for app in (first, second):
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(autouse=True)
def _rolled_back_database(apps: tuple[Flask, Flask]) -> Iterator[None]:
    """Replaces the suite's rolled-back transaction: here every commit is real, so tests use
    names of their own."""
    Redis.from_url(TEST_REDIS_URL).flushdb()
    with committing_session():
        yield
    Redis.from_url(TEST_REDIS_URL).flushdb()
    for message in Path(apps[0].config["MAIL_OUTBOX_DIR"]).glob("*.eml"):
        message.unlink()
