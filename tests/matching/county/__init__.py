"""A labelled county of our own: the data, its grades and the measures relevance.md defines.

Suppliers and their offers (suppliers.yaml), buyers' procurement opportunities graded over
suppliers (opportunities.yaml) and beneficiaries' needs graded over offers (needs.yaml),
all written and graded by hand by the rules in ../shared/matching/relevance.md before any
engine ran on them. `tests.matching.county.run` builds the county in the app's database
and scores every query through the JSON API, as the partnership does with its own county.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

FOLDER = Path(__file__).resolve().parent
KINDS = ("opportunity", "need")
# The hard cases of relevance.md (and of the brief), as queries tag them.
HARD_CASES = (
    "misspelling",
    "synonym",
    "perfect-text-far",
    "right-measure-little-text",
    "dates-not-overlapping",
    "title-archived-closed-expired",
    "excellent-sv-wrong-trade",
    "partial-offers",
    "adjacent-trade",
    "tiny-firm-huge-contract",
    "caterer-vs-grounds",
)


@cache
def data(name: str) -> Any:
    """One of the county's files, parsed: "suppliers", "opportunities" or "needs"."""
    with (FOLDER / f"{name}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)


def suppliers() -> list[dict[str, Any]]:
    return data("suppliers")["suppliers"]


def offers() -> list[dict[str, Any]]:
    """Every offer, each with its supplier's key as `supplier`."""
    return [{**o, "supplier": s["key"]} for s in suppliers() for o in s["offers"]]


def buyers() -> list[dict[str, Any]]:
    return data("opportunities")["buyers"]


def beneficiaries() -> list[dict[str, Any]]:
    return data("needs")["beneficiaries"]


@dataclass(frozen=True)
class Query:
    kind: str  # "opportunity" (graded over suppliers) or "need" (graded over offers)
    key: str
    listing: dict[str, Any]
    grades: dict[str, int]  # candidates graded 1 or 2; every other candidate is 0
    cases: tuple[str, ...]


def queries() -> list[Query]:
    found = []
    for kind, owners, listings in (
        ("opportunity", buyers(), "opportunities"),
        ("need", beneficiaries(), "needs"),
    ):
        for owner in owners:
            for listing in owner[listings]:
                grades = {g["key"]: g["grade"] for g in listing["grades"] if g["grade"] > 0}
                found.append(Query(kind, listing["key"], listing, grades, tuple(listing["cases"])))
    return found


# Measures -----------------------------------------------------------------------------


def precision_at_5(ranked: Sequence[str], grades: dict[str, int]) -> float:
    """Of the first five, the share graded 1 or 2, divided by min(5, how many such exist)."""
    relevant = {key for key, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:5])) / min(5, len(relevant))


def _dcg(gains: Iterable[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(gains, 1))


def ndcg_at_10(ranked: Sequence[str], grades: dict[str, int]) -> float:
    """Σ (2^grade − 1) / log2(rank + 1) over the first ten, over the same for the ideal."""
    ideal = _dcg(sorted(grades.values(), reverse=True)[:10])
    return _dcg(grades.get(key, 0) for key in ranked[:10]) / ideal


@dataclass(frozen=True)
class Quality:
    """One kind's figures, and each query's ranking (candidate keys, best first)."""

    kind: str
    precision_at_5: float
    ndcg_at_10: float
    rankings: dict[str, list[str]]

    @property
    def queries(self) -> int:
        return len(self.rankings)


def quality(kind: str, rankings: dict[str, list[str]]) -> Quality:
    """The mean of each measure over the queries of one kind."""
    graded = {q.key: q.grades for q in queries() if q.kind == kind}
    precisions = [precision_at_5(rankings[key], graded[key]) for key in graded]
    ndcgs = [ndcg_at_10(rankings[key], graded[key]) for key in graded]
    return Quality(
        kind,
        sum(precisions) / len(precisions),
        sum(ndcgs) / len(ndcgs),
        {key: rankings[key] for key in graded},
    )


LABELS = {"opportunity": "opportunities → suppliers", "need": "needs → offers"}


def summary(found: Quality) -> str:
    return (
        f"{LABELS[found.kind]}: precision@5 {found.precision_at_5:.2f}, "
        f"nDCG@10 {found.ndcg_at_10:.2f} ({found.queries} queries)"
    )
