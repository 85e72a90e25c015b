"""The matching core: plain Python and NumPy, no Flask and no database.

Two sides, each with a location, TOMs measures with quantities, text and dates: a
`Wanted` (an opportunity, a need, an offer looking for needs, a charter signee looking
for a buddy) is scored against a `CandidatePool`. `rank` is the fast path; `score_pair`
is the per-pair reference it is tested against.
"""

from .engine import CandidatePool, rank, score_all
from .model import Candidate, Catalogue, MatchResult, MeasureInfo, Wanted, WantedMeasure
from .policy import MatchingPolicy
from .reference import score_pair

__all__ = [
    "Candidate",
    "CandidatePool",
    "Catalogue",
    "MatchResult",
    "MatchingPolicy",
    "MeasureInfo",
    "Wanted",
    "WantedMeasure",
    "rank",
    "score_all",
    "score_pair",
]
