"""A scratch database for a benchmark that fills its own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config import TestConfig
from tests.helpers.app import fresh_database


@contextmanager
def scratch_database(name: str) -> Iterator[tuple[Path, str]]:
    """A temporary folder and a new, empty database, both gone afterwards: a PostgreSQL
    database beside the one DATABASE_URL names if it names one, else an SQLite file."""
    base = os.environ.get("DATABASE_URL", "")
    TestConfig.SQLALCHEMY_DATABASE_URI = base if base.startswith("postgresql") else None
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), name) as url:
        yield Path(folder), url
