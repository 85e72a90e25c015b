"""Opportunity → supplier matching: its inputs, outputs and policy, as frozen dataclasses.

A buyer is buying work, so a supplier is matched as an organisation (its trades, profile,
place and all its published offers together), not one offer at a time.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property

from .model import WantedMeasure

SME_SIZES = frozenset({"micro", "small", "medium"})
# How two CPV codes relate (see supplier_reference.trade_relation).
FULL, GROUP, DIVISION, ADJACENT = "full", "group", "division", "adjacent"
# Areas of the CPV whose firms do overlapping work though the vocabulary files them apart,
# as (prefix, prefix) of 2 to 4 digits: construction work (45) and the repair and
# maintenance of building installations (507), so a joinery firm is an adjacent trade for
# a building repairs framework (relevance.md) and a repairs firm for building work.
ADJACENT_AREAS: tuple[tuple[str, str], ...] = (("45", "507"),)


@dataclass(frozen=True)
class PooledMeasure:
    """One measure a supplier offers, summed over its published offers, and which gave it."""

    quantity: float
    offers: tuple[Hashable, ...] = ()


@dataclass(frozen=True)
class SupplierCandidate:
    """A supplier as matching reads it. No grid point (None) means its place is unknown."""

    key: Hashable
    easting: float | None
    northing: float | None
    service_radius_m: float | None = None
    trades: tuple[str, ...] = ()  # CPV codes, 8 digits
    category: str | None = None  # its profile's sector
    description: str = ""
    measures: Mapping[str, PooledMeasure] = field(default_factory=dict)
    offer_titles: Mapping[Hashable, str] = field(default_factory=dict)
    size: str | None = None
    vcse: bool = False
    living_wage: bool = False
    charter_signee: bool = False
    # Where it is based: the priority place its postcode is in (None: none), and whether
    # that postcode is in the partnership's area.
    priority_place: str | None = None
    in_area: bool = False


@dataclass(frozen=True)
class OpportunityQuery:
    """A procurement opportunity looking for suppliers. `trade_words` are the words naming
    its trades (CPV descriptions), read in the descriptions of suppliers without trades."""

    easting: float
    northing: float
    trades: tuple[str, ...] = ()
    category: str | None = None
    text: str = ""
    trade_words: str = ""
    measures: tuple[WantedMeasure, ...] = ()
    value_pence: int | None = None


@dataclass(frozen=True)
class SupplierResult:
    """A supplier's score for an opportunity, its four parts (each in [0, 1]) and why."""

    key: Hashable
    score: float
    trade: float
    social_value: float
    place: float
    supplier: float
    scale: float
    distance_m: float | None
    reasons: tuple[str, ...] = ()
    offers: tuple[Hashable, ...] = ()  # the offers that gave credited measures, in order


@dataclass(frozen=True)
class SupplierPolicy:
    """Every number that decides a supplier's score for an opportunity."""

    # Trade: the best pair of CPV codes. The same code, the supplier's inside the
    # contract's, or the same class (4 digits) count in full; the same group (3 digits),
    # an adjacent area (ADJACENT_AREAS) or the same division (2) less. A supplier's broad
    # code (45000000 Construction work) claims its whole field, not the contract's
    # specialism, so it counts at the level the two codes share.
    same_group_credit: float = 0.5
    adjacent_area_credit: float = 0.5
    same_division_credit: float = 0.25
    # When either side lists no trades: a reduced credit for the same sector, or for a
    # word naming the contract's trade in the supplier's description.
    no_trades_category_credit: float = 0.5
    no_trades_words_credit: float = 0.5
    # The mix that trade multiplies (normalised to sum to 1).
    social_value_weight: float = 0.35
    place_weight: float = 0.45
    supplier_weight: float = 0.20
    # Social value: a different measure under the same outcome as one asked for.
    related_measure_credit: float = 0.5
    # Place: local within its service radius and within `local_km` ("in or next to the
    # delivery area"; a supplier without a radius: within `local_km`), then halving every
    # `half_life_km` beyond.
    local_km: float = 20.0
    half_life_km: float = 20.0
    # Added to the place credit of a supplier based in a priority place, and of one based
    # in the partnership's area (together capped at 1), as the offer side's boost.
    priority_place_bonus: float = 0.10
    in_area_bonus: float = 0.05
    # What the buyer values, as shares of the supplier part.
    sme_weight: float = 1.0
    vcse_weight: float = 1.0
    living_wage_weight: float = 1.0
    charter_weight: float = 1.0
    # A very small firm for the contract's size: a micro firm from `micro_limit_pence`, a
    # micro or small one from `small_limit_pence`, counted at `very_small_factor`.
    micro_limit_pence: float = 20_000_000
    small_limit_pence: float = 200_000_000
    very_small_factor: float = 0.7

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{item.name} must be a number of at least 0.")
        if self.social_value_weight + self.place_weight + self.supplier_weight <= 0:
            raise ValueError("At least one of the mix's weights must be above 0.")
        if self.half_life_km <= 0:
            raise ValueError("half_life_km must be above 0.")
        for name in (
            "same_group_credit",
            "same_division_credit",
            "adjacent_area_credit",
            "no_trades_category_credit",
            "no_trades_words_credit",
            "related_measure_credit",
            "very_small_factor",
            "priority_place_bonus",
            "in_area_bonus",
        ):
            if getattr(self, name) > 1:
                raise ValueError(f"{name} must be between 0 and 1.")

    @cached_property
    def mix(self) -> tuple[float, float, float]:
        """Social value, place and supplier weights, summing to 1."""
        total = self.social_value_weight + self.place_weight + self.supplier_weight
        return (
            self.social_value_weight / total,
            self.place_weight / total,
            self.supplier_weight / total,
        )

    @cached_property
    def value_weights(self) -> tuple[float, float, float, float]:
        """SME, VCSE, Real Living Wage and charter weights, summing to 1 (all 0 if none)."""
        weights = (self.sme_weight, self.vcse_weight, self.living_wage_weight, self.charter_weight)
        total = sum(weights)
        if total <= 0:
            return (0.0, 0.0, 0.0, 0.0)
        w0, w1, w2, w3 = (w / total for w in weights)
        return (w0, w1, w2, w3)

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def significant(code: str) -> str:
    """A CPV code's digits without its trailing zeros, at least its division's two."""
    stripped = code.rstrip("0")
    return code[: max(2, len(stripped))]


def very_small(size: str | None, value_pence: int | None, policy: SupplierPolicy) -> bool:
    """Whether a firm of this size is very small for a contract of this value."""
    if value_pence is None or size is None:
        return False
    if size == "micro":
        return value_pence >= policy.micro_limit_pence
    return size == "small" and value_pence >= policy.small_limit_pence


@dataclass(frozen=True)
class TradeFit:
    """The trade credit and what earned it: the best pair of codes, or the fallback."""

    credit: float
    pair: tuple[str, str] | None = None  # (the supplier's code, the contract's)
    relation: str | None = None
    same_category: bool = False
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class AskCredit:
    """How far the supplier's offers together meet one asked measure."""

    ask: WantedMeasure
    credit: float
    offered: PooledMeasure | None  # the same measure, summed over its offers
    related: str | None  # a different measure under the same outcome, if one is offered
