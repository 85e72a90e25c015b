"""The inputs and outputs of the matching core, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class MeasureInfo:
    """One TOMs measure as the catalogue knows it (any framework)."""

    code: str
    name: str
    unit: str
    outcome: str
    theme: str


# Units of what can be paid or sent from afar (money, goods). Any other unit (people,
# hours, placements) counts help that someone has to be there to give.
SENT_UNITS = frozenset({"gbp", "items"})


class Catalogue:
    """Measures by code, with each measure's outcome and theme, from every loaded framework."""

    def __init__(self, measures: Iterable[MeasureInfo]) -> None:
        self.measures: dict[str, MeasureInfo] = {m.code: m for m in measures}
        self.codes: tuple[str, ...] = tuple(sorted(self.measures))
        self.index: dict[str, int] = {code: i for i, code in enumerate(self.codes)}
        outcomes = sorted({(m.theme, m.outcome) for m in self.measures.values()})
        themes = sorted({m.theme for m in self.measures.values()})
        self.outcome_index = {key: i for i, key in enumerate(outcomes)}
        self.theme_index = {theme: i for i, theme in enumerate(themes)}

    def __contains__(self, code: object) -> bool:
        return code in self.measures

    def __getitem__(self, code: str) -> MeasureInfo:
        return self.measures[code]

    def outcome_of(self, code: str) -> int:
        measure = self.measures[code]
        return self.outcome_index[(measure.theme, measure.outcome)]

    def theme_of(self, code: str) -> int:
        return self.theme_index[self.measures[code].theme]

    def is_in_person(self, code: str) -> bool:
        """Whether a measure counts help given in person (not money or goods sent)."""
        return code in self.measures and self.measures[code].unit.casefold() not in SENT_UNITS


@dataclass(frozen=True)
class WantedMeasure:
    """A measure asked for: its code, the quantity hoped for (None: any) and its weight."""

    code: str
    target: float | None = None
    weight: float = 1.0


@dataclass(frozen=True)
class Wanted:
    """The side doing the asking: an opportunity, a need, or an offer looking for needs."""

    easting: float
    northing: float
    measures: tuple[WantedMeasure, ...] = ()
    text: str = ""
    category: str | None = None
    start: date | None = None
    end: date | None = None
    max_distance_m: float | None = None
    in_priority_place: bool = False
    # The help asked for is money or goods, which can be sent: further away it is still a
    # match (relevance.md), so its location score falls only to the policy's sent-help floor.
    can_be_sent: bool = False
    # The partnership's place names (towns, villages, wards), handed in by the app: a place
    # both texts name says where, not what help, so it counts for nothing towards fit.
    place_names: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Candidate:
    """One thing that might answer: a supplier's offer, a need, a charter signee."""

    key: Hashable
    easting: float
    northing: float
    measures: Mapping[str, float | None] = field(default_factory=dict)
    text: str = ""
    category: str | None = None
    start: date | None = None
    end: date | None = None
    service_radius_m: float | None = None
    in_priority_place: bool = False
    # The listing says it is no longer open (its title marks it closed, expired or
    # archived): never a match, whatever its dates say.
    closed: bool = False
    # The listing says its help comes online, by phone or by post: no in-person reach bounds
    # it, and further away it stays a weaker match (the policy's sent-help floor).
    remote: bool = False
    # Its category as people read it on the forms ("Volunteering and community"); reasons
    # name it so (`category` is the stored value that matching compares).
    category_label: str | None = None


@dataclass(frozen=True)
class MatchResult:
    """A scored pair: the total, its three parts (each in [0, 1]) and why."""

    key: Hashable
    score: float
    location: float
    toms: float
    fit: float
    distance_m: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class MeasureCredit:
    """How far one candidate meets one wanted measure, and through which offered measure."""

    wanted_code: str
    credit: float
    via_code: str | None
    level: str  # "measure", "outcome", "theme" or "none"
