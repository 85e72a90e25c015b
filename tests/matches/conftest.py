"""Every stored-matches test has the shipped TOMs catalogue and rankings of two (the
county and its helpers are in tests/helpers/matches.py)."""

import pytest


@pytest.fixture(autouse=True)
def _matches(small_top_n: None, shipped_catalogue: None) -> None:
    """A handful of listings fills the rankings, measured against the shipped catalogue."""
