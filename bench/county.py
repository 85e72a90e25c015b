"""A synthetic county for benchmarks: real Oxfordshire postcodes, plausible offers and needs."""

from __future__ import annotations

import random
from datetime import date, timedelta

from brokerage.matching import Candidate, Catalogue, MeasureInfo, Wanted, WantedMeasure
from brokerage.places.lookup import _area

THEMES = {
    "Jobs": [
        "recruitment",
        "apprentices",
        "jobs",
        "over 50s",
        "prison leavers",
        "refugees",
        "training",
    ],
    "Social": ["reading", "volunteers", "schools", "mentoring", "parents", "families", "donations"],
    "Growth": [
        "local spend",
        "social enterprise",
        "co-operative",
        "living wage",
        "SME",
        "supply chain",
    ],
}
SECTORS = [
    "catering",
    "cleaning",
    "construction",
    "printing",
    "IT services",
    "facilities",
    "transport",
]
FILLER = ["Oxfordshire", "community", "local", "people", "support", "service", "team", "quality"]
# A vocabulary of a few thousand made-up words, so the text index is as big as a real one.
_SYLLABLES = ["ba", "ker", "lin", "do", "mor", "ta", "ven", "sil", "cor", "ra", "pen", "tu", "gal"]
RARE_WORDS = [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]


def oxfordshire_points(limit: int | None = None) -> list[tuple[str, int, int]]:
    points = [(code, p.easting, p.northing) for code, p in _area("ox").items()]
    return points[:limit] if limit else points


def catalogue() -> Catalogue:
    measures = []
    for theme, topics in THEMES.items():
        for outcome_number in range(4):
            for measure_number in range(10):
                code = f"{theme[0]}{outcome_number}{measure_number:02d}"
                topic = topics[(outcome_number + measure_number) % len(topics)]
                measures.append(
                    MeasureInfo(
                        code,
                        f"{topic} measure {code}",
                        "units",
                        f"{theme} outcome {outcome_number}",
                        theme,
                    )
                )
    return Catalogue(measures)


def _text(rng: random.Random, theme: str) -> str:
    words = rng.sample(THEMES[theme], 3) + rng.sample(SECTORS, 1) + rng.sample(FILLER, 4)
    rng.shuffle(words)
    return " ".join(words + rng.sample(FILLER + SECTORS, 6) + rng.sample(RARE_WORDS, 6))


def candidates(count: int, seed: int = 1) -> list[Candidate]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    codes = catalogue().codes
    result = []
    for key in range(count):
        _, easting, northing = rng.choice(points)
        theme = rng.choice(list(THEMES))
        start = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 365))
        result.append(
            Candidate(
                key=key,
                easting=easting,
                northing=northing,
                measures={
                    code: float(rng.randint(1, 100))
                    for code in rng.sample(codes, rng.randint(1, 4))
                },
                text=_text(rng, theme),
                category=rng.choice(SECTORS),
                start=start,
                end=start + timedelta(days=rng.randrange(90, 720)),
                service_radius_m=rng.choice([None, 10_000, 25_000, 50_000]),
                in_priority_place=rng.random() < 0.1,
            )
        )
    return result


def queries(count: int, seed: int = 2) -> list[Wanted]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    codes = catalogue().codes
    result = []
    for _ in range(count):
        _, easting, northing = rng.choice(points)
        theme = rng.choice(list(THEMES))
        result.append(
            Wanted(
                easting=easting,
                northing=northing,
                measures=tuple(
                    WantedMeasure(code, float(rng.randint(5, 200)), rng.choice([1.0, 2.0]))
                    for code in rng.sample(codes, rng.randint(1, 3))
                ),
                text=_text(rng, theme),
                category=rng.choice(SECTORS),
                start=date(2024, 6, 1),
                end=date(2025, 6, 1),
                max_distance_m=rng.choice([None, 40_000]),
            )
        )
    return result
