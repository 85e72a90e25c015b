"""NearWords finds exactly what rapidfuzz's `process.extract` over the whole vocabulary
finds (the directory search's words, before the letter counts bounded what is compared)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from brokerage.listings.cpv import vocabulary as cpv_vocabulary
from brokerage.matching.near_words import NearWords
from brokerage.matching.text import words

# The CPV's descriptions: some 4,000 words of letters, as the directory indexes them.
CPV_WORDS = sorted(
    {
        word
        for entry in cpv_vocabulary().values()
        for word in words(entry.description)
        if word.isalpha()
    }
)


def slips(word: str) -> list[str]:
    """The word typed with a slip of the fingers at its middle: two letters swapped, one
    dropped, one doubled, one struck wrongly, one added."""
    at = len(word) // 2
    return [
        word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :],
        word[:at] + word[at + 1 :],
        word[:at] + word[at] + word[at:],
        word[:at] + "e" + word[at + 1 :],
        word[:at] + "s" + word[at:],
    ]


def extracted(word: str, vocabulary: list[str], cutoff: float) -> list[tuple[str, float, int]]:
    return process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)


def test_misspelt_words_find_what_comparing_every_word_finds():
    near = NearWords(CPV_WORDS)
    typed = [slip for word in CPV_WORDS[::9] for slip in slips(word)]
    typed += ["carpentery", "plumming", "x", "zzzz", "élévator"]
    assert len(typed) > 2_000
    for cutoff in (80.0, 60.0):
        for word in typed:
            assert near.near(word, cutoff) == extracted(word, CPV_WORDS, cutoff), word


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("abcdeé", min_size=1, max_size=12), max_size=40, unique=True),
    st.text("abcdeéz", max_size=12),
    st.sampled_from([50.0, 80.0, 90.0, 100.0]),
)
@example(["a" * 300, "a" * 299 + "b", "b" * 260], "a" * 280, 80.0)  # counts past a byte
@example(["ab", "ba", "abc"], "ab", 50.0)  # ties keep the vocabulary's order
def test_near_words_are_those_at_the_cutoff_in_extracts_order(vocabulary, word, cutoff):
    assert NearWords(vocabulary).near(word, cutoff) == extracted(word, vocabulary, cutoff)
