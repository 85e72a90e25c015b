"""Notice fixture files (built from the OCDS 1.1 schema, the UK profile's field names and
the shape of real releases), and the import run as the command runs it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

FIXTURES = Path(__file__).parent / "fixtures"
# The day the tests import on: the fixtures' tenders are still open then.
IMPORT_DAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _import_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("brokerage.notices.service.today", lambda: IMPORT_DAY)


@pytest.fixture
def notices_import(app) -> Callable[..., Result]:
    """`notices_import("fts-awards.json", tmp_file)`: `flask notices import` on fixture
    names or paths."""
    runner = app.test_cli_runner()

    def _run(*files: str | Path) -> Result:
        paths = [str(f if isinstance(f, Path) else FIXTURES / f) for f in files]
        return runner.invoke(args=["notices", "import", *paths])

    return _run


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path
