"""A second partnership (tests/partnership/exampleshire, fictional): the app is built from
its configuration folder on a database of its own, dropped after the package, so its pages
can be read with nothing of the default partnership loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from brokerage.extensions import db
from tests.helpers.app import build_test_app, committing_session, fresh_database

EXAMPLESHIRE = Path(__file__).resolve().parent / "exampleshire"


@pytest.fixture(scope="package")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("exampleshire")
    with fresh_database(tmp, "exampleshire") as url:
        built = build_test_app(url, str(tmp / "outbox"), PARTNERSHIP_FOLDER=str(EXAMPLESHIRE))
        yield built
        with built.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _rolled_back_database(app: Flask) -> Iterator[None]:
    """Replaces the suite's rolled-back transaction: the package's database is its own and
    dropped afterwards, so what a test commits stays for the next one to read."""
    with committing_session():
        yield
