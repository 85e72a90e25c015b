"""A labelled set from the delivery plan's real programmes and plausible local organisations.

Each query lists the candidates a partnership officer would want to see, graded 2 (the
right match), 1 (worth a look) or 0 (wrong); candidates not listed are 0. The set includes
misspellings, synonyms, a perfect text match 90 km away, and a local supplier with the
right measure but little shared wording. `evaluate` reports precision at 5 and nDCG at 10.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass

from brokerage.matching import (
    Candidate,
    CandidatePool,
    Catalogue,
    MatchingPolicy,
    MeasureInfo,
    Wanted,
    WantedMeasure,
    rank,
)
from brokerage.partnership import DEFAULT_FOLDER
from brokerage.places.lookup import locate_postcode

MEASURES_FILE = DEFAULT_FOLDER / "oiep-local-measures.csv"


def oiep_catalogue() -> Catalogue:
    with MEASURES_FILE.open(newline="", encoding="utf-8") as rows:
        return Catalogue(
            MeasureInfo(r["measure_code"], r["measure"], r["unit"], r["outcome"], r["theme"])
            for r in csv.DictReader(rows)
        )


def _at(postcode: str) -> dict[str, float]:
    point = locate_postcode(postcode)
    assert point is not None, postcode
    return {"easting": point.easting, "northing": point.northing}


def offer(
    key: str, postcode: str, text: str, measures: dict[str, float], **extra: object
) -> Candidate:
    return Candidate(key=key, text=text, measures=measures, **_at(postcode), **extra)  # type: ignore[arg-type]


CANDIDATES = [
    offer(
        "tv-print-readers",
        "OX4 2JY",
        "Our printers volunteer as reading helpers in Oxford primary schools every week",
        {"OIEP-S1": 12, "OIEP-S6": 200},
    ),
    offer(
        "bank-reading-days",
        "OX3 7LD",
        "Employee volunteering days: our team reads one to one with children at local schools",
        {"OIEP-S6": 150},
    ),
    offer(
        "misspelt-readers",
        "OX1 1BX",
        "Volunteres for readng with pupils in primry schools",
        {"OIEP-S1": 5},
    ),
    offer(
        "birmingham-perfect-text",
        "B1 1BB",
        "Reading helper volunteers for primary schools on the waiting list",
        {"OIEP-S1": 30},
    ),
    offer(
        "swindon-catering",
        "SN1 1LL",
        "Event catering employing prison leavers",
        {"OIEP-J4": 3},
        category="catering",
    ),
    offer(
        "cowley-catering",
        "OX4 1RF",
        "Community catering for events, with release on temporary licence placements",
        {"OIEP-J4": 2, "OIEP-J5": 4},
        category="catering",
    ),
    offer(
        "rose-hill-helpers",
        "OX4 4XN",
        "Staff give an hour each week at Rose Hill primary helping children",
        {"OIEP-S1": 20},
    ),
    offer(
        "donation-fund",
        "OX1 1ND",
        "Grants for community projects in Oxfordshire",
        {"OIEP-S7": 5000},
    ),
    offer(
        "mentoring-young",
        "OX2 6GG",
        "Mentoring young people at secondary schools",
        {"OIEP-S3": 300},
    ),
    offer(
        "laptops-donated",
        "OX4 6AA",
        "Donating refurbished laptops and tablets to community groups and families",
        {"OIEP-S8": 20},
    ),
    offer(
        "banbury-it-kit",
        "OX16 5QE",
        "IT support; we donate used equipment such as tablets",
        {"OIEP-S8": 6},
        category="IT services",
    ),
    offer(
        "leys-cleaning",
        "OX4 6HN",
        "Office cleaning co-operative employing local people over 50",
        {"OIEP-J1": 4, "OIEP-G1": 20000},
        category="cleaning",
    ),
    offer(
        "cleening-misspelt",
        "OX4 4XN",
        "Cleening services for offices and schools",
        {"OIEP-J1": 1},
        category="cleaning",
    ),
    offer(
        "reading-cleaning",
        "RG1 1AF",
        "Commercial cleaning contractor",
        {"OIEP-G1": 5000},
        category="cleaning",
    ),
    offer(
        "early-years-volunteers",
        "OX4 6JZ",
        "Staff volunteering with families, baby groups and early years learning in the Leys",
        {"OIEP-S6": 80, "OIEP-S5": 10},
    ),
    offer(
        "antenatal-support",
        "OX10 7NL",
        "Antenatal classes and support for new parents",
        {"OIEP-S5": 8},
    ),
    offer(
        "witney-builders",
        "OX28 1NB",
        "Building contractor with apprenticeships",
        {"OIEP-G1": 50000},
        category="construction",
    ),
]


@dataclass(frozen=True)
class LabelledQuery:
    name: str
    wanted: Wanted
    grades: dict[str, int]


def need(postcode: str, text: str, measures: list[WantedMeasure], **extra: object) -> Wanted:
    return Wanted(text=text, measures=tuple(measures), **_at(postcode), **extra)  # type: ignore[arg-type]


QUERIES = [
    LabelledQuery(
        "ARCh: reading helper volunteers for the 46 schools on the waiting list",
        need(
            "OX4 1JE",
            "Reading helper volunteers for primary schools on our waiting list",
            [WantedMeasure("OIEP-S1", 90, 2), WantedMeasure("OIEP-S2", 46)],
        ),
        {
            "tv-print-readers": 2,
            "bank-reading-days": 2,
            "misspelt-readers": 2,
            "rose-hill-helpers": 2,
            "birmingham-perfect-text": 1,
            "mentoring-young": 1,
        },
    ),
    LabelledQuery(
        "Parent Power: tablets and equipment for six parent advocates",
        need(
            "OX4 6JZ",
            "Tablets and equipment for parent advocates",
            [WantedMeasure("OIEP-S8", 6)],
            in_priority_place=True,
        ),
        {"laptops-donated": 2, "banbury-it-kit": 2, "donation-fund": 1},
    ),
    LabelledQuery(
        "County Council: office cleaning contract wanting jobs for people over 50",
        need(
            "OX1 1ND",
            "Office cleaning for County Hall",
            [WantedMeasure("OIEP-J1", 3, 2), WantedMeasure("OIEP-G1", 10000)],
            category="cleaning",
        ),
        {"leys-cleaning": 2, "cleening-misspelt": 2, "reading-cleaning": 1},
    ),
    LabelledQuery(
        "Growing Minds: volunteers and support for families in the Leys",
        need(
            "OX4 6JZ",
            "Volunteers to help families with antenatal and early years support",
            [WantedMeasure("OIEP-S5", 8, 2), WantedMeasure("OIEP-S6", 40)],
            in_priority_place=True,
        ),
        {
            "early-years-volunteers": 2,
            "antenatal-support": 2,
            "bank-reading-days": 1,
            "tv-print-readers": 1,
        },
    ),
    LabelledQuery(
        "City Council: event catering wanting work for prison leavers",
        need(
            "OX1 1BX",
            "Catering for council events",
            [WantedMeasure("OIEP-J4", 2, 2), WantedMeasure("OIEP-J5", 2)],
            category="catering",
        ),
        {"cowley-catering": 2, "swindon-catering": 1},
    ),
]


def _dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


@dataclass(frozen=True)
class Quality:
    precision_at_5: float
    ndcg_at_10: float
    rankings: dict[str, list[str]]


def evaluate(policy: MatchingPolicy | None = None) -> Quality:
    """Mean precision at 5 (grade 1 or 2 counts as relevant) and mean nDCG at 10."""
    policy = policy or MatchingPolicy()
    pool = CandidatePool(CANDIDATES, oiep_catalogue())
    precisions, ndcgs, rankings = [], [], {}
    for query in QUERIES:
        ranked = [str(r.key) for r in rank(query.wanted, pool, policy, top_n=10)]
        rankings[query.name] = ranked
        relevant = {key for key, grade in query.grades.items() if grade > 0}
        precisions.append(len(relevant & set(ranked[:5])) / min(5, len(relevant)))
        ideal = _dcg(sorted(query.grades.values(), reverse=True)[:10])
        ndcgs.append(_dcg([query.grades.get(key, 0) for key in ranked[:10]]) / ideal)
    return Quality(sum(precisions) / len(precisions), sum(ndcgs) / len(ndcgs), rankings)
