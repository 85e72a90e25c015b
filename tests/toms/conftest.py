"""TOMs fixtures: framework files written for a test, and the shipped catalogue loaded."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from brokerage.extensions import db
from brokerage.toms import service
from brokerage.toms.files import COLUMNS

HEADER = ",".join(COLUMNS)


def row(code: str = "T-1", **cells: str) -> dict[str, str]:
    """A valid row of a framework file; `cells` change what the test cares about."""
    values = {
        "framework": "Test framework",
        "theme": "Jobs",
        "outcome": "More local people in work",
        "measure_code": code,
        "measure": f"Measure {code}",
        "unit": "people",
        "proxy_value_gbp": "",
        "source": "Test source",
    }
    return values | cells


@pytest.fixture
def framework_file(tmp_path: Path) -> Callable[..., Path]:
    """`framework_file(rows, name=...)`: a UTF-8 CSV of `rows` (dicts) under the header."""

    def _write(rows: list[dict[str, str]], name: str = "framework.csv") -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return _write


@pytest.fixture
def shipped_catalogue(app) -> None:
    """The two frameworks that ship with the app, committed in the test's transaction."""
    with app.app_context():
        service.load_shipped_frameworks()
        db.session.commit()
