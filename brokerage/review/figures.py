"""The review dashboard's figures, each a small pure function over the filtered matches.

The period means when a match was suggested for the workflow figures (funnel, acceptance,
time to agreement, declines, response rates, needs picked up), and when its delivery ended
for the verified social value and the priority places reached.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from ..charts import Tally, tallies
from ..workflow.states import DECLINE_REASONS, State
from .facts import FUNNEL, Line, MatchFacts

# How long the side that was asked has to answer before it counts as not answering.
RESPONSE_DAYS = 5
SCORE_BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.0))
OUTSIDE_PRIORITY_PLACES = "Not in a priority place"


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    theme: str = ""
    district: str = ""
    priority_place: str = ""
    buyer_id: int | None = None  # the seeking side: a buyer or a beneficiary
    supplier_id: int | None = None

    def keeps(self, facts: MatchFacts) -> bool:
        """Whether the match is one the dashboard looks at (the period aside)."""
        return (
            (not self.theme or self.theme in facts.themes)
            and (not self.district or facts.district == self.district)
            and (not self.priority_place or facts.priority_place == self.priority_place)
            and (self.buyer_id is None or facts.seeker[0] == self.buyer_id)
            and (self.supplier_id is None or facts.provider[0] == self.supplier_id)
        )

    def in_period(self, day: date | None) -> bool:
        return day is not None and (
            (self.date_from is None or day >= self.date_from)
            and (self.date_to is None or day <= self.date_to)
        )


@dataclass(frozen=True)
class Step:
    label: str
    count: int
    conversion: float | None  # share of the step before that reached this one


@dataclass(frozen=True)
class Share:
    label: str
    part: int
    whole: int

    @property
    def rate(self) -> float | None:
        return self.part / self.whole if self.whole else None


def suggested_in_period(matches: list[MatchFacts], filters: Filters) -> list[MatchFacts]:
    return [m for m in matches if filters.keeps(m) and filters.in_period(m.suggested_at.date())]


def verified_in_period(matches: list[MatchFacts], filters: Filters) -> list[MatchFacts]:
    return [
        m
        for m in matches
        if m.state == State.VERIFIED
        and filters.keeps(m)
        and filters.in_period(m.delivered[1] if m.delivered else None)
    ]


def funnel(matches: list[MatchFacts]) -> list[Step]:
    counts = [sum(m.reached(step) for m in matches) for step in FUNNEL]
    return [
        Step(step.label, count, None if i == 0 or not counts[i - 1] else count / counts[i - 1])
        for i, (step, count) in enumerate(zip(FUNNEL, counts, strict=True))
    ]


def _tallied(
    verified: list[MatchFacts], group_of: Callable[[MatchFacts, Line], str], theme: str
) -> list[Tally]:
    """Each verified line under its group; with a theme, only that theme's lines count (a
    match may deliver for several themes)."""
    return tallies(
        [
            (group_of(m, line), m.id, line.unit, line.quantity, line.value_pence)
            for m in verified
            for line in m.lines
            if not theme or line.theme == theme
        ]
    )


def value_by(verified: list[MatchFacts], dimension: str, theme: str = "") -> list[Tally]:
    """Verified value grouped by "theme" or "district"."""
    if dimension == "theme":
        return _tallied(verified, lambda m, line: line.theme, theme)
    return _tallied(verified, lambda m, line: m.district, theme)


def acceptance_by_band(matches: list[MatchFacts]) -> list[Share]:
    """Of the matches suggested with a score in each band, how many reached agreed."""
    out = []
    for low, high in SCORE_BANDS:
        band = [m for m in matches if low <= m.score < high or (high == 1.0 and m.score == 1.0)]
        out.append(
            Share(f"{low:.1f}–{high:.1f}", sum(m.reached(State.AGREED) for m in band), len(band))
        )
    return out


def decline_reasons(matches: list[MatchFacts]) -> list[tuple[str, int]]:
    counts = Counter(
        e.reason or "other" for m in matches for e in m.events if e.to_state == State.DECLINED
    )
    return [(DECLINE_REASONS.get(reason, reason), n) for reason, n in counts.most_common()]


def median_days_to_agreement(matches: list[MatchFacts]) -> tuple[float | None, int]:
    """(median days from suggestion to first agreement, how many matches it is over)."""
    days = [
        (agreed - m.suggested_at).total_seconds() / 86400
        for m in matches
        if (agreed := m.first(State.AGREED)) is not None
    ]
    return (round(statistics.median(days), 1) if days else None), len(days)


def priority_places_reached(verified: list[MatchFacts], theme: str = "") -> list[Tally]:
    return _tallied(verified, lambda m, line: m.priority_place or OUTSIDE_PRIORITY_PLACES, theme)


def response_rates(matches: list[MatchFacts]) -> list[Share]:
    """Per organisation: of the matches where the other side expressed interest (so it was
    asked), how many it answered (a move or a message) within RESPONSE_DAYS."""
    asked: Counter[str] = Counter()
    answered: Counter[str] = Counter()
    for m in matches:
        interest = next((e for e in m.events if e.to_state == State.INTEREST_EXPRESSED), None)
        if interest is None:
            continue
        for org_id, name in (m.provider, m.seeker):
            if org_id in m.interest_by:
                continue
            asked[name] += 1
            deadline = interest.at + timedelta(days=RESPONSE_DAYS)
            if any(org == org_id and interest.at < at <= deadline for at, org in m.answers):
                answered[name] += 1
    return [Share(name, answered[name], n) for name, n in sorted(asked.items())]


def needs_picked_up(matches: list[MatchFacts]) -> Share:
    """Of the needs with a match in view, how many have at least one match that reached
    agreed."""
    needs = {m.need_id for m in matches if m.need_id is not None}
    picked = {m.need_id for m in matches if m.need_id is not None and m.reached(State.AGREED)}
    return Share("Needs picked up", len(picked), len(needs))
