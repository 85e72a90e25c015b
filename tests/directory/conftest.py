"""Every directory test has the shipped TOMs catalogue and an index that looks for changes
on every search (the fixtures are in tests/helpers/directory.py)."""

import pytest


@pytest.fixture(autouse=True)
def _directory(index_checked_on_every_search: None, shipped_catalogue: None) -> None:
    """Each test's data is rolled back behind the index's back: let it look every time."""
