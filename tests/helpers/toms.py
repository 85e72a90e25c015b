"""TOMs framework files as tests write them."""

from __future__ import annotations

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
