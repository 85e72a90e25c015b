"""Which organisation names are probably the same organisation."""

from __future__ import annotations

import pytest

from brokerage.charter.names import name_key


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Cowley Bakery Ltd", "  COWLEY   bakery limited "),
        ("The Cowley Bakery", "Cowley Bakery"),
        ("Cowley Bakery Ltd.", "Cowley Bakery"),
        ("Smith & Sons", "Smith and Sons"),
        ("Oxford Hub C.I.C.", "Oxford Hub CIC"),
    ],
)
def test_names_differing_in_case_spacing_punctuation_or_legal_form_are_the_same(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Cowley Bakery", "Cowley Bakers"), ("Limited Edition Prints", "Edition Prints")],
)
def test_different_names_stay_different(one, other):
    assert name_key(one) != name_key(other)
