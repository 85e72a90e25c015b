"""A word beside a match's score, so people read "strong" rather than weigh 0.71 against 0.64."""

from __future__ import annotations

# Lowest score of each word, best first.
STRENGTHS = (("strong", 0.70), ("good", 0.50), ("possible", 0.0))


def strength_word(score: float) -> str:
    """ "strong", "good" or "possible" for a score in [0, 1]."""
    for word, lowest in STRENGTHS:
        if score >= lowest:
            return word
    return STRENGTHS[-1][0]
