"""Notice fixture files (built from the OCDS 1.1 schema, the UK profile's field names and
the shape of real releases), read and written as the notices tests need them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parents[1] / "notices" / "fixtures"
# The day the tests import on: the fixtures' tenders are still open then.
IMPORT_DAY = date(2026, 12, 2)


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value))
    return path
