"""Words for offer fit: normalised, de-duplicated, without the words every text shares."""

from __future__ import annotations

from rapidfuzz import utils

# Short function words would make every text look alike; they carry no fit.
STOPWORDS = frozenset(
    "about all also and any are but can for from has have into its not our out per that the "
    "their them they this those through was were what when where which who will with would "
    "you your".split()
)
MIN_WORD_LENGTH = 3


def words(text: str) -> tuple[str, ...]:
    """Lower-case words of at least three letters, stopwords removed, first occurrence kept."""
    processed = utils.default_process(text or "")
    return tuple(
        dict.fromkeys(
            word
            for word in processed.split()
            if len(word) >= MIN_WORD_LENGTH and word not in STOPWORDS
        )
    )
