"""Why a supplier fits an opportunity, in words a buyer can check against the numbers."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from .model import Catalogue
from .reasons import measure_name, percent
from .supplier_model import (
    ADJACENT,
    DIVISION,
    GROUP,
    AskCredit,
    OpportunityQuery,
    SupplierCandidate,
    SupplierPolicy,
    TradeFit,
)

RELATED = {
    GROUP: "in the same group as",
    ADJACENT: "work next to",
    DIVISION: "in the same broad field as",
}
SIZE_WORDS = {"micro": "a micro firm", "small": "a small firm", "medium": "a medium-sized firm"}


def quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _trade(code: str, names: Mapping[str, str]) -> str:
    """The trade's name, its CPV code after it as the listing pages give it: a buyer reads
    "Cleaning services (90910000)", not a number first."""
    name = names.get(code)
    return f"{name} ({code})" if name else code


def explain_trade(fit: TradeFit, policy: SupplierPolicy, names: Mapping[str, str]) -> str:
    if fit.pair is not None:
        theirs, ours = fit.pair
        if fit.relation in RELATED:
            return (
                f"Related trade: it does {_trade(theirs, names)}, {RELATED[fit.relation]} the "
                f"contract's {_trade(ours, names)} (counted at {fit.credit:.0%})"
            )
        if theirs == ours:
            return f"Right trade: {_trade(theirs, names)}"
        return (
            f"Right trade: it does {_trade(theirs, names)}; the contract is {_trade(ours, names)}"
        )
    said = []
    if fit.same_category:
        said.append(f"the same sector (counted at {policy.no_trades_category_credit:.0%})")
    if fit.words:
        said.append(
            f"its description says {', '.join(fit.words[:4])} "
            f"(counted at {policy.no_trades_words_credit:.0%})"
        )
    return "Trade not listed as codes: " + " and ".join(said)


def _offer_names(offers: tuple[Hashable, ...], candidate: SupplierCandidate) -> str:
    titles = [f'"{candidate.offer_titles[o]}"' for o in offers if o in candidate.offer_titles]
    return f", through {', '.join(titles)}" if titles else ""


def explain_ask(item: AskCredit, candidate: SupplierCandidate, catalogue: Catalogue) -> str:
    """Named as a need's reasons name a measure: "Employee volunteering hours (OIEP-S6):
    offers 40 of the 100 hours wanted (40%)", the offers that count after it."""
    code = item.ask.code
    name = measure_name(code, catalogue)
    unit = catalogue[code].unit if code in catalogue else ""
    pooled = item.offered
    target = item.ask.target
    if pooled is not None and target and target > 0:
        share = pooled.quantity / target
        if share >= 1:  # a share over 100% reads as a slip: say the ask is met
            said = (
                f"{name}: offers {quantity(pooled.quantity)} {unit}, all of the "
                f"{quantity(target)} wanted; counted in full"
            ).replace("  ", " ")
            return said + _offer_names(pooled.offers, candidate)
        said = (
            f"{name}: offers {quantity(pooled.quantity)} of the {quantity(target)} {unit} "
            f"wanted ({percent(share)})"
        ).replace("  ", " ")
        if item.credit > share and item.related:
            said += (
                f"; counted at {item.credit:.0%}: it also offers a related measure, "
                f"{measure_name(item.related, catalogue)}"
            )
        return said + _offer_names(pooled.offers, candidate)
    if pooled is not None:
        return f"{name}: offers it" + _offer_names(pooled.offers, candidate)
    if item.related:
        related = candidate.measures[item.related]
        return (
            f"{name}: offers {measure_name(item.related, catalogue)} instead; counted at "
            f"{item.credit:.0%}: a related measure with the same outcome"
        ) + _offer_names(related.offers, candidate)
    return f"{name}: nothing offered towards it"


def explain_place(
    distance: float | None, candidate: SupplierCandidate, policy: SupplierPolicy, credit: float
) -> str:
    if distance is None:
        return "Where it is based is not known: no credit for place"
    km = distance / 1000
    radius = candidate.service_radius_m
    serves = "no service area stated" if radius is None else f"it serves {radius / 1000:.0f} km"
    if credit >= 1.0:
        return f"{km:.1f} km from where the work is; {serves}: local"
    if radius is not None and distance > radius:
        where = "outside its service area"
    else:
        where = f"beyond the {policy.local_km:.0f} km counted as local"
    return f"{km:.1f} km from where the work is, {where} ({serves}): place counted at {credit:.0%}"


def explain_based(candidate: SupplierCandidate, policy: SupplierPolicy, credit: float) -> list[str]:
    """The bonuses for where the supplier is based, each with what it added to a place
    credit of `credit` (before them); nothing for a bonus staff set to 0."""
    said = []
    bonuses = (
        (
            candidate.priority_place is not None,
            f"Based in a priority place ({candidate.priority_place})",
            policy.priority_place_bonus,
        ),
        (candidate.in_area, "Based in the partnership's area", policy.in_area_bonus),
    )
    for based, words, bonus in bonuses:
        if based and bonus > 0:
            added = min(bonus, 1.0 - credit)
            credit += added
            said.append(
                f"{words}: +{added:.2f} to place"
                if added > 0
                else f"{words}: place already counted in full"
            )
    return said


def explain_values(candidate: SupplierCandidate, policy: SupplierPolicy) -> str | None:
    sme, vcse, living_wage, charter = policy.value_weights
    said = []
    if sme and candidate.size in SIZE_WORDS:
        said.append(f"{SIZE_WORDS[candidate.size]} (SME)")
    if vcse and candidate.vcse:
        said.append("a VCSE")
    if living_wage and candidate.living_wage:
        said.append("pays the Real Living Wage")
    if charter and candidate.charter_signee:
        said.append("has signed the social value charter")
    return "What the buyer values: " + ", ".join(said) if said else None


def explain_scale(candidate: SupplierCandidate, query: OpportunityQuery, factor: float) -> str:
    size = SIZE_WORDS.get(candidate.size or "", "a small firm")
    value = (query.value_pence or 0) / 100
    return f"Very small for the contract: {size} for £{value:,.0f} (counted at {factor:.0%})"


def explain(
    query: OpportunityQuery,
    candidate: SupplierCandidate,
    catalogue: Catalogue,
    policy: SupplierPolicy,
    fit: TradeFit,
    credits: list[AskCredit],
    distance: float | None,
    near: float,
    small: bool,
    names: Mapping[str, str],
) -> tuple[str, ...]:
    reasons = [explain_trade(fit, policy, names)]
    reasons += [explain_ask(item, candidate, catalogue) for item in credits]
    if not credits:
        reasons.append("The contract asks for no social value measures")
    reasons.append(explain_place(distance, candidate, policy, near))
    if distance is not None:
        reasons += explain_based(candidate, policy, near)
    if values := explain_values(candidate, policy):
        reasons.append(values)
    if small:
        reasons.append(explain_scale(candidate, query, policy.very_small_factor))
    return tuple(reasons)
