"""Plain-English reasons for a score, so a person can check every number.

A share is what was offered over what was wanted, never the credit it earned; how much a
measure counted (in full, at half: a related measure) is said apart. Words in common are
quoted as each side wrote them; nothing internal (stems, synonym tokens) is shown.
"""

from __future__ import annotations

from ..formatting import format_quantity, sentence
from .confirmation import (
    confirmed_share,
    credit_in_words,
    toms_score,
)
from .model import (
    Candidate,
    Catalogue,
    MeasureCredit,
    Wanted,
)
from .policy import MatchingPolicy
from .text import (
    GENERAL_WORD_WEIGHT,
    fit_words,
    fit_words_as_written,
    is_place,
    is_synonym_token,
    spells_a_phrase_of,
    why_general,
)

WordMatch = tuple[str, str | None, float]
# Credits read as words where a person would say them so.
CREDIT_WORDS = {1.0: "in full", 0.75: "at three quarters", 0.5: "at half", 0.25: "at a quarter"}


def _amount(value: float, unit: str) -> str:
    if unit.upper() == "GBP":
        return f"£{format_quantity(value)}"
    return f"{format_quantity(value)} {unit}"


def percent(share: float) -> str:
    """A share as people read it: "4%", and "under 1%" rather than a "0%" beside words
    that did count."""
    if 0 < share < 0.01:
        return "under 1%"
    return f"{share:.0%}"


def counted(credit: float) -> str:
    """ "in full", "at half", "at 55%"."""
    for value, words in CREDIT_WORDS.items():
        if abs(credit - value) < 1e-9:
            return words
    return f"at {credit:.0%}"


def measure_name(code: str, catalogue: Catalogue) -> str:
    """A measure as every reason names it: its name first, its code in brackets after."""
    return f"{catalogue[code].name} ({code})" if code in catalogue else code


def _from_afar(wanted: Wanted, candidate: Candidate) -> str:
    """Why the help can come from anywhere (reference.comes_from_afar), or ""."""
    if wanted.can_be_sent:
        return "money or goods can be sent"
    return "given online, by phone or by post" if candidate.remote else ""


def explain_location(
    distance: float, priority: bool, policy: MatchingPolicy, from_afar: str = ""
) -> list[str]:
    km = distance / 1000
    reasons = [f"{km:.1f} km away" + (" (local)" if km <= policy.local_km else "")]
    if from_afar and km > policy.local_km:
        reasons.append(
            f"{from_afar}: location counts at least "
            f"{counted(policy.sent_help_location_floor).removeprefix('at ')}, however far"
        )
    if priority and policy.priority_place_boost:
        reasons.append(f"in a priority place (+{policy.priority_place_boost:.2f} to location)")
    return reasons


def _right_measure(
    code: str,
    target: float | None,
    offered: float | None,
    credit: float,
    catalogue: Catalogue,
    policy: MatchingPolicy,
) -> str:
    name = measure_name(code, catalogue)
    unit = catalogue[code].unit
    if not target or target <= 0:
        what = f"offers {_amount(offered, unit)}" if offered else "offers it"
        return f"{name}: {what}, any amount wanted; counted {counted(credit)}"
    if not offered or offered <= 0:
        return (
            f"{name}: offers it without saying how much of the "
            f"{_amount(target, unit)} wanted; counted {counted(credit)}: the right measure"
        )
    share = offered / target
    if share >= 1:
        said = f"offers {_amount(offered, unit)}, all of the {format_quantity(target)} wanted"
    elif unit.upper() == "GBP":
        said = f"offers {_amount(offered, unit)} of the {_amount(target, unit)} wanted"
    else:
        said = f"offers {format_quantity(offered)} of the {_amount(target, unit)} wanted"
    said += "" if share >= 1 else f" ({percent(share)})"
    rule = ""
    if credit < 1 and policy.same_outcome_credit:
        at_least = counted(policy.same_outcome_credit).removeprefix("at ")
        rule = (
            f" (at least {at_least} for the right measure, in full from "
            f"{percent(policy.full_cover_share)} of the ask)"
        )
    return f"{name}: {said}; counted {counted(credit)}{rule}"


def explain_credit(
    credit: MeasureCredit,
    wanted: Wanted,
    candidate: Candidate,
    catalogue: Catalogue,
    policy: MatchingPolicy,
) -> str:
    code = credit.wanted_code
    if code not in catalogue:
        return f"{code} is not in the TOMs catalogue"
    measure = catalogue[code]
    target = next(item.target for item in wanted.measures if item.code == code)
    if credit.via_code == code and credit.level == "measure":
        offered = candidate.measures.get(code)
        return _right_measure(code, target, offered, credit.credit, catalogue, policy)
    if credit.via_code is None or credit.level == "none":
        return f"{measure_name(code, catalogue)}: nothing offered towards it"
    if credit.level == "outcome":
        related = f"a related measure with the same outcome ({measure.outcome})"
    else:
        related = f"a measure in the same theme ({measure.theme})"
    instead = measure_name(credit.via_code, catalogue)
    return (
        f"{measure_name(code, catalogue)}: offers {instead} instead; "
        f"counted {counted(credit.credit)}: {related}"
    )


def words_in_common(wanted: Wanted, candidate: Candidate, matches: list[WordMatch]) -> list[str]:
    """The words both texts share, as the query wrote them (and the candidate, if it
    wrote them otherwise); the same help in other words by its name."""
    asked = fit_words_as_written(wanted.text)
    given = fit_words_as_written(candidate.text)
    shared, shared_words, synonyms = [], [], []
    for word, other, _ in matches:
        if other is None:
            continue
        if is_synonym_token(word):
            synonyms.append(word)
            continue
        if is_synonym_token(other):  # a word of a phrase found as its group: said as the group
            continue
        mine, theirs = asked.get(word, word), given.get(other, other)
        shared.append(mine if mine == theirs else f"{mine} ({theirs})")
        shared_words.append(word)
    # A group both texts name in the same words ("computers", "reading helpers") is said
    # once, as those words: only help named otherwise is "in other words".
    return [
        *shared,
        *(
            f"{asked.get(token, token)} (in other words)"
            for token in synonyms
            if not spells_a_phrase_of(token, shared_words)
        ),
    ]


def general_words_in_common(wanted: Wanted, matches: list[WordMatch]) -> list[str]:
    """The general words (text.GENERAL_WORDS) the candidate shares with the query, as the
    query wrote them: they count for little, one reason for each why."""
    asked = fit_words_as_written(wanted.text)
    little: dict[str, list[str]] = {}
    for word, other, _ in matches:
        why = why_general(word)
        if other is not None and why is not None:
            little.setdefault(why, []).append(asked.get(word, word))
    share = percent(GENERAL_WORD_WEIGHT)
    return [f"counted at {share} ({why}): {', '.join(words)}" for why, words in little.items()]


def places_in_common(wanted: Wanted, matches: list[WordMatch]) -> list[str]:
    """The place names the candidate shares with the query: they say where, not what help."""
    asked = fit_words_as_written(wanted.text)
    places = [
        asked.get(word, word)
        for word, other, _ in matches
        if other is not None and is_place(word, wanted.place_names)
    ]
    return [f"not counted (places, not the help): {', '.join(places)}"] if places else []


def explain_fit(
    wanted: Wanted, candidate: Candidate, matches: list[WordMatch], text: float
) -> list[str]:
    # A general word is listed once, on its own line with what it counted for.
    telling = [match for match in matches if why_general(match[0]) is None]
    shared = words_in_common(wanted, candidate, telling)
    if shared:
        in_common = ", ".join(shared[:6])
    elif general_words_in_common(wanted, matches):
        in_common = "only words that count for little"
    else:
        in_common = "no words in common"
    reasons = [
        f"description fit {percent(text)}: {in_common}",
        *general_words_in_common(wanted, matches),
        *places_in_common(wanted, matches),
    ]
    if wanted.category and candidate.category:
        label = candidate.category_label or candidate.category
        if wanted.category.casefold() == candidate.category.casefold():
            reasons.append(f"same category: {label}")
        else:
            reasons.append(f"different category: {label}")
    if (wanted.start or wanted.end) and (candidate.start or candidate.end):
        reasons.append("dates overlap")
    return reasons


def explain_words_and_measures(
    wanted: Wanted, credits: list[MeasureCredit], text: float, policy: MatchingPolicy
) -> list[str]:
    """How far the words bore out the TOMs credit above (confirmation.worded_toms), said
    apart from it; nothing when they bore it out in full or the query has no words."""
    if not (wanted.measures and fit_words(wanted.text)):
        return []
    toms = toms_score(wanted, credits)
    share = float(confirmed_share(text, policy))
    in_words = float(credit_in_words(text, policy))
    if in_words > toms * share:
        return [
            f"the descriptions alone count at {percent(in_words)} towards the measures, with "
            f"{percent(text)} of the words in common: from {percent(policy.same_help_fit)} in "
            f"common they count as a related measure does ({percent(policy.same_outcome_credit)})"
            ", in proportion below that"
        ]
    if toms <= 0 or share >= 1:
        return []
    if text <= 0:
        return [
            f"no words in common, so the measures above count {counted(share)}: a measure "
            "alone says little about the help"
        ]
    return [
        f"few words in common ({percent(text)}, where {percent(policy.confirming_fit)} "
        f"confirms the help), so the measures above count {counted(share)}"
    ]


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
    """Every reason for the pair, each starting with a capital as pages list them."""
    reasons = (
        *explain_location(distance, priority, policy, _from_afar(wanted, candidate)),
        *(explain_credit(credit, wanted, candidate, catalogue, policy) for credit in credits),
        *explain_words_and_measures(wanted, credits, text, policy),
        *explain_fit(wanted, candidate, matches, text),
    )
    return tuple(sentence(reason) for reason in reasons)
