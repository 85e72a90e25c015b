"""The matching policy: every number that decides a score, in one place staff can tune."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

BUYER_VALUES_ALL_ZERO = (
    "At least one of what buyers value (SME, VCSE, Real Living Wage, charter signee) must "
    "weigh above 0."
)

# Shares that divide a fit or a quantity: each must be above 0 and at most 1.
SHARES_OF_WORDS_OR_ASK = ("confirming_fit", "same_help_fit", "full_cover_share")


@dataclass(frozen=True)
class MatchingPolicy:
    # How much each component counts towards the total (normalised to sum to 1).
    location_weight: float = 0.30
    toms_weight: float = 0.40
    fit_weight: float = 0.30
    # Location: full score within `local_km`, then halving every `half_life_km`: in-person
    # help within about 25 km is fine, 15-30 km a weaker match (relevance.md).
    local_km: float = 10.0
    half_life_km: float = 15.0
    # Added to the location score when either side is in a priority place (capped at 1).
    priority_place_boost: float = 0.10
    # TOMs: credit for a different measure under the same outcome, or the same theme.
    same_outcome_credit: float = 0.50
    same_theme_credit: float = 0.25
    # A candidate whose text shares no word with the query meets its measures by their codes
    # alone ("volunteering hours" offered for interpreters): its TOMs credit counts this much.
    wordless_measure_share: float = 0.50
    # Description fit (the weighted share of the query's words found) at which the words
    # confirm that an offered measure is the help asked for; below it, the TOMs credit falls
    # in step towards the wordless share.
    confirming_fit: float = 0.12
    # Description fit at which the words alone say the help asked for, earning a related
    # measure's credit (the same-outcome credit); below it, in step.
    same_help_fit: float = 0.50
    # The share of a wanted quantity from which an offer of the right measure covers it in
    # full: twelve of sixty volunteers is the right help; two of sixty, "a much smaller
    # quantity" (relevance.md), a weaker match.
    full_cover_share: float = 0.10
    # The least location score of help that can be sent or given remotely, however far: a
    # weaker match further away, never an excluded one (relevance.md: "a good fit further
    # away that can be delivered remotely or by post").
    sent_help_location_floor: float = 0.50
    # Offer fit: share of the fit that a matching category carries, when both have one.
    category_share: float = 0.25
    # Words count as the same when rapidfuzz's ratio is at least this (typo tolerance).
    word_similarity_cutoff: float = 0.80
    # What the buyer values in a supplier for an opportunity, as shares of the supplier part
    # of its score (`SupplierPolicy`): an SME, a VCSE, a Real Living Wage employer, a
    # charter signee.
    sme_weight: float = 1.0
    vcse_weight: float = 1.0
    living_wage_weight: float = 1.0
    charter_weight: float = 1.0
    # Added to an opportunity's supplier's place credit when it is based in a priority
    # place, and when it is based in the partnership's area (`SupplierPolicy`).
    supplier_priority_place_bonus: float = 0.10
    supplier_in_area_bonus: float = 0.05

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{item.name} must be a number of at least 0.")
        if self.location_weight + self.toms_weight + self.fit_weight <= 0:
            raise ValueError("At least one component weight must be above 0.")
        if sum(self.buyer_value_weights) <= 0:
            raise ValueError(BUYER_VALUES_ALL_ZERO)
        for name in ("half_life_km", *SHARES_OF_WORDS_OR_ASK):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be above 0.")
        for name in (
            "same_outcome_credit",
            "same_theme_credit",
            "wordless_measure_share",
            "category_share",
            "word_similarity_cutoff",
            "priority_place_boost",
            "sent_help_location_floor",
            "supplier_priority_place_bonus",
            "supplier_in_area_bonus",
            *SHARES_OF_WORDS_OR_ASK,
        ):
            if getattr(self, name) > 1:
                raise ValueError(f"{name} must be between 0 and 1.")

    @property
    def component_weights(self) -> tuple[float, float, float]:
        total = self.location_weight + self.toms_weight + self.fit_weight
        return self.location_weight / total, self.toms_weight / total, self.fit_weight / total

    @property
    def buyer_value_weights(self) -> tuple[float, float, float, float]:
        """SME, VCSE, Real Living Wage and charter signee weights, as set."""
        return (self.sme_weight, self.vcse_weight, self.living_wage_weight, self.charter_weight)

    @property
    def supplier_settings(self) -> dict[str, float]:
        """What the supplier matcher reads of this policy, by `SupplierPolicy`'s names."""
        sme, vcse, living_wage, charter = self.buyer_value_weights
        return {
            "sme_weight": sme,
            "vcse_weight": vcse,
            "living_wage_weight": living_wage,
            "charter_weight": charter,
            "priority_place_bonus": self.supplier_priority_place_bonus,
            "in_area_bonus": self.supplier_in_area_bonus,
        }

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> MatchingPolicy:
        known = {item.name for item in fields(cls)}
        return cls(**{k: float(v) for k, v in values.items() if k in known})
