from __future__ import annotations

import pytest

from brokerage.matching.strength import strength_word


@pytest.mark.parametrize(
    ("score", "word"),
    [
        (1.0, "strong"),
        (0.70, "strong"),
        (0.69, "good"),
        (0.50, "good"),
        (0.49, "possible"),
        (0.0, "possible"),
    ],
)
def test_a_score_reads_as_a_word(score, word):
    assert strength_word(score) == word
