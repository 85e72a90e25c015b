"""Ranking a listing's matches with the policy in force."""

from __future__ import annotations

from dataclasses import dataclass

from ..listings.models import Listing
from ..matching import MatchResult, rank
from .candidates import PAIRINGS, candidates_for
from .policy import policy_in_force

TOP_N = 10


@dataclass(frozen=True)
class RankedMatch:
    listing: Listing
    result: MatchResult

    @property
    def distance_km(self) -> float:
        return round(self.result.distance_m / 1000, 1)


@dataclass(frozen=True)
class Ranking:
    policy_version: int
    matches: list[RankedMatch]


def matches_for(listing: Listing, top_n: int = TOP_N) -> Ranking:
    """The best published listings for `listing`, best first, each with its reasons."""
    in_force = policy_in_force()
    candidates = candidates_for(listing)
    wanted = PAIRINGS[type(listing)].wanted(listing)
    results = rank(wanted, candidates.pool, in_force.policy, top_n=top_n)
    return Ranking(
        in_force.version,
        [RankedMatch(candidates.listings[str(result.key)], result) for result in results],
    )
