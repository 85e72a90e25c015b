"""Every directory test has the shipped TOMs catalogue (the fixtures are in
tests/helpers/directory.py)."""

import pytest


@pytest.fixture(autouse=True)
def _directory(shipped_catalogue: None) -> None:
    """The directory's searches need the catalogue's measures."""
