"""TOMs fixtures: framework files written for a test."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from brokerage.toms.files import COLUMNS


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
