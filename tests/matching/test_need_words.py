"""Need -> offers: which words say what help is asked for (issue 21 point 5), rule by rule on
the matching core, each checked on the per-pair reference and the vectorised engine."""

from __future__ import annotations

import pytest

from brokerage.matching import (
    Candidate,
    CandidatePool,
    MatchingPolicy,
    Wanted,
    rank,
    score_pair,
)
from brokerage.matching.text import may_be_typo
from tests.matching.strategies import CATALOGUE

POLICY = MatchingPolicy()
HERE = (451_000.0, 206_000.0)


def _need(text: str, **more) -> Wanted:
    return Wanted(*HERE, measures=(), text=text, **more)


def _offer(text: str, key: str = "OFF-1", **more) -> Candidate:
    return Candidate(key, *HERE, measures={}, text=text, **more)


def _fit(need: str, offer: str) -> float:
    found = score_pair(_need(need), _offer(offer), CATALOGUE, POLICY)
    return 0.0 if found is None else found.fit


def _ranked_fit(need: str, offer: str) -> float:
    ranked = rank(_need(need), CandidatePool([_offer(offer)], CATALOGUE), POLICY)
    return ranked[0].fit if ranked else 0.0


# Typos ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "given"), [("planting", "paint"), ("paint", "planting")])
def test_a_short_word_with_two_letters_changed_is_another_word(asked, given):
    # The county's allotment need ("digging and planting") found decorators ("paint").
    assert not may_be_typo("plant", "paint")
    assert _fit(asked, given) == 0.0
    assert _ranked_fit(asked, given) == 0.0


@pytest.mark.parametrize(
    ("asked", "given"), [("cleaning", "cleening"), ("mentors", "menters"), ("garden", "gardn")]
)
def test_a_short_word_with_one_letter_changed_added_or_dropped_is_a_typo(asked, given):
    assert _fit(asked, given) >= POLICY.word_similarity_cutoff
    assert _ranked_fit(asked, given) == pytest.approx(_fit(asked, given))
