"""The words of a vocabulary within a rapidfuzz `ratio` cutoff of a word, found without
comparing most of them.

`ratio` is 2 * LCS / (n + m) for words of n and m letters, and two words' longest common
subsequence holds no more of a letter than either word has: so the letters two words share
bound their ratio from above. One NumPy pass over the vocabulary's letter counts leaves
the few words that may reach the cutoff, and rapidfuzz compares only those (a typo searched
in a vocabulary of 2,330 words compared some 2,330 words; now a few dozen).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process

# A letter's count is kept in a byte; a word holding more of one letter is always compared.
_MOST_COUNTED = 255
# Room for rounding: a word the bound leaves out must be well below the cutoff.
_BOUND_SLACK = 1e-6


class NearWords:
    """A vocabulary's words by their letter counts, to find those near a word."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.words = list(vocabulary)
        self._letter = {letter: i for i, letter in enumerate(sorted(set("".join(self.words))))}
        counts = np.zeros((len(self._letter), len(self.words)), dtype=np.uint8)
        always = np.zeros(len(self.words), dtype=bool)
        for column, word in enumerate(self.words):
            for letter, count in Counter(word).items():
                counts[self._letter[letter], column] = min(count, _MOST_COUNTED)
                always[column] |= count > _MOST_COUNTED
        self._counts = counts
        self._always = always
        self._lengths = np.array([len(word) for word in self.words], dtype=np.float64)

    def near(self, word: str, cutoff: float) -> list[tuple[str, float, int]]:
        """As `process.extract(word, words, scorer=fuzz.ratio, score_cutoff=cutoff,
        limit=None)`: (word, ratio, position) of each word at or above `cutoff` (0-100),
        best first, ties in vocabulary order."""
        rows, most = [], []
        for letter, count in Counter(word).items():
            row = self._letter.get(letter)
            if row is not None:  # a letter no word has is shared with none
                rows.append(row)
                most.append(min(count, _MOST_COUNTED))
        shared = np.minimum(self._counts[rows], np.array(most, dtype=np.uint8)[:, None]).sum(
            axis=0, dtype=np.int64
        )
        bound = 200.0 * shared >= (cutoff - _BOUND_SLACK) * (len(word) + self._lengths)
        possible = np.flatnonzero(bound | self._always)
        found = process.extract(
            word,
            [self.words[i] for i in possible],
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            limit=None,
        )
        return [(near, score, int(possible[at])) for near, score, at in found]
