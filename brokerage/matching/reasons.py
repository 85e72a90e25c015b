"""Plain-English reasons for a score, so a person can check every number."""

from __future__ import annotations

from .model import Candidate, Catalogue, MeasureCredit, Wanted
from .policy import MatchingPolicy

WordMatch = tuple[str, str | None, float]


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def explain_location(distance: float, priority: bool, policy: MatchingPolicy) -> list[str]:
    km = distance / 1000
    reasons = [f"{km:.1f} km away" + (" (local)" if km <= policy.local_km else "")]
    if priority and policy.priority_place_boost:
        reasons.append(f"in a priority place (+{policy.priority_place_boost:.2f} to location)")
    return reasons


def explain_credit(
    credit: MeasureCredit, wanted: Wanted, candidate: Candidate, catalogue: Catalogue
) -> str:
    code = credit.wanted_code
    if code not in catalogue:
        return f"{code} is not in the TOMs catalogue"
    measure = catalogue[code]
    target = next(item.target for item in wanted.measures if item.code == code)
    if credit.via_code == code:
        offered = candidate.measures.get(code)
        if target and offered:
            return (
                f"offers {_quantity(offered)} of the {_quantity(target)} {measure.unit} wanted "
                f"for {code} ({credit.credit:.0%})"
            )
        return f"offers {code}: {measure.name}"
    if credit.level == "outcome":
        return (
            f"offers {credit.via_code}, under the same outcome as {code} "
            f"({measure.outcome}; partial credit {credit.credit:.0%})"
        )
    if credit.level == "theme":
        return (
            f"offers {credit.via_code}, in the same theme as {code} "
            f"({measure.theme}; partial credit {credit.credit:.0%})"
        )
    return f"nothing offered towards {code} ({measure.name})"


def explain_fit(
    wanted: Wanted, candidate: Candidate, matches: list[WordMatch], text: float
) -> list[str]:
    shared = [word if other == word else f"{word}~{other}" for word, other, _ in matches if other]
    reasons = [f"description fit {text:.0%}" + (f": {', '.join(shared[:6])}" if shared else "")]
    if wanted.category and candidate.category:
        if wanted.category.casefold() == candidate.category.casefold():
            reasons.append(f"same category: {candidate.category}")
        else:
            reasons.append(f"different category: {candidate.category}")
    if (wanted.start or wanted.end) and (candidate.start or candidate.end):
        reasons.append("dates overlap")
    return reasons


def explain(
    wanted: Wanted,
    candidate: Candidate,
    catalogue: Catalogue,
    policy: MatchingPolicy,
    distance: float,
    priority: bool,
    credits: list[MeasureCredit],
    matches: list[WordMatch],
    text: float,
) -> tuple[str, ...]:
    return (
        *explain_location(distance, priority, policy),
        *(explain_credit(credit, wanted, candidate, catalogue) for credit in credits),
        *explain_fit(wanted, candidate, matches, text),
    )
