"""The notices tests' import day, and the import run as the command runs it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.helpers.notices import FIXTURES, IMPORT_DAY


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
