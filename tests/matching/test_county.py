"""The labelled county (tests/matching/county/): its data holds together, and matching,
scored through the JSON API as the partnership scores it, stays at least as good as today.

The floors are the figures measured rounded down, so a change that makes matching worse
fails here. Issue 21 asks for precision@5 ≥ 0.85 and nDCG@10 ≥ 0.93 for each kind on this
county (and the partnership expects at least 0.80 / 0.85 for opportunities and 0.85 / 0.93
for needs on its own). Opportunities reached it when they were matched to suppliers as
organisations (0.27 / 0.42 before, offers one at a time). Needs are still below: 0.67 / 0.80
before issue 21, 0.74 / 0.855 after its first need rework, 0.777 / 0.869 once closed titles,
misspelt synonyms, title words, wordless measure codes and in-person reach were handled,
0.809 / 0.896 once the words had to bear out a broad measure (and could stand in for one)
and money or goods far away kept half their location score, 0.817 / 0.900 once help given
online, by phone or by post was no longer bounded by a need's in-person reach, 0.824 / 0.908
once a synonym phrase's words were found by an offer naming its group and a tenth of the
quantity asked counted as the right help in full, 0.827 / 0.916 once tablets were read as
computers, laptops and devices, 0.827 / 0.919 once a number ("two of our team") was no
word in common, 0.827 / 0.922 once a short word with two letters changed was another word
(planting, paint), not a typo, 0.841 / 0.933 once general words (support, help, local,
community, people, volunteers; who is helped: older, young, families, children; how often:
week, year, day) counted for a tenth of a word that says the help, IT written in capitals
was a word and read as computers, and an -ing without its i ("readng") was read as -ing,
0.845 / 0.934 once a misspelt general word ("volunters") counted as the word it stands for
and words for how help is organised (groups, sessions, activities) were general words,
0.845 / 0.937 once a place both texts name (the partnership's towns, villages and wards,
handed to the core by the app) counted for nothing, 0.861 / 0.946 once a supplier's
service radius no longer bounded help that can come from afar (goods sent, help online),
0.866 / 0.948 once words for who gives the help (staff, team, employees, colleagues) were
general words.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from brokerage.listings import cpv
from brokerage.places.lookup import locate_postcode
from brokerage.toms import service as toms_service
from tests.matching.county import (
    HARD_CASES,
    Quality,
    beneficiaries,
    buyers,
    ndcg_at_10,
    offers,
    precision_at_5,
    queries,
    summary,
    suppliers,
)
from tests.matching.county.run import Built, measure, ranking

# kind: (precision@5, nDCG@10) measured on this county, rounded down.
FLOORS = {"opportunity": (0.92, 0.94), "need": (0.86, 0.94)}
MEASURE_FILES = sorted(path for path, _ in toms_service.shipped_files())


@pytest.fixture(scope="module")
def measured() -> dict[str, Quality]:
    return measure()


@pytest.mark.parametrize("kind", ["opportunity", "need"])
def test_matching_on_the_labelled_county_stays_above_its_floors(
    measured: dict[str, Quality], kind: str
) -> None:
    found = measured[kind]
    precision, ndcg = FLOORS[kind]
    assert found.queries == sum(q.kind == kind for q in queries())
    assert found.precision_at_5 >= precision, summary(found)
    assert found.ndcg_at_10 >= ndcg, summary(found)


def _measure_codes() -> set[str]:
    codes = set()
    for path in MEASURE_FILES:
        with path.open(newline="", encoding="utf-8") as rows:
            codes |= {row["measure_code"] for row in csv.DictReader(rows)}
    return codes


def _seekers() -> list[dict]:
    return [
        *(o for b in buyers() for o in b["opportunities"]),
        *(n for b in beneficiaries() for n in b["needs"]),
    ]


def test_the_county_names_only_measures_trades_and_postcodes_that_exist() -> None:
    known = _measure_codes()
    assert {code for row in [*offers(), *_seekers()] for code in row["measures"]} <= known
    vocabulary = cpv.vocabulary()
    trades = [
        *(s["trades"] for s in suppliers()),
        *(o["trades"] for o in _seekers() if "trades" in o),
    ]
    assert all(trades) and {code for codes in trades for code in codes} <= set(vocabulary)
    places = [*suppliers(), *buyers(), *beneficiaries(), *_seekers()]  # offers: their supplier's
    unknown = {row["postcode"] for row in places if not locate_postcode(row["postcode"])}
    assert not unknown


def test_every_grade_names_a_candidate_of_its_kind_once() -> None:
    supplier_keys = [s["key"] for s in suppliers()]
    offer_keys = [o["key"] for o in offers()]
    query_keys = [q.key for q in queries()]
    for keys in (supplier_keys, offer_keys, query_keys):
        assert not [key for key, n in Counter(keys).items() if n > 1]
    for query in queries():
        graded = [g["key"] for g in query.listing["grades"]]
        candidates = supplier_keys if query.kind == "opportunity" else offer_keys
        assert len(graded) == len(set(graded)) and set(graded) <= set(candidates), query.key
        assert all(g["grade"] in (0, 1, 2) and g["reason"].strip() for g in query.listing["grades"])
        assert query.grades, f"{query.key} has nothing relevant to find"


def test_the_county_has_enough_queries_of_each_kind_and_every_hard_case() -> None:
    kinds = Counter(q.kind for q in queries())
    assert kinds["opportunity"] >= 40 and kinds["need"] >= 60
    tags = Counter(tag for q in queries() for tag in q.cases)
    assert set(tags) <= set(HARD_CASES)
    assert set(HARD_CASES) <= set(tags), set(HARD_CASES) - set(tags)


def test_an_answer_of_offers_and_an_answer_of_suppliers_rank_the_same_suppliers() -> None:
    built = Built(
        supplier_key={7: "greenleaf", 9: "leys-clean"},
        supplier_of_offer={70: "greenleaf", 71: "greenleaf", 90: "leys-clean"},
        offer_key={70: "greenleaf-over50", 71: "greenleaf-garden", 90: "leys-clean-over50"},
    )
    today = [{"kind": "offer", "id": 1, "ref": f"OFF-{i}"} for i in (71, 90, 70)]
    reworked = [{"kind": "supplier", "id": i, "ref": f"ORG-{i}"} for i in (7, 9)]
    assert ranking("opportunity", today, built) == ["greenleaf", "leys-clean"]
    assert ranking("opportunity", reworked, built) == ["greenleaf", "leys-clean"]
    assert ranking("need", today, built) == [
        "greenleaf-garden",
        "leys-clean-over50",
        "greenleaf-over50",
    ]


def test_the_measures_are_relevance_mds() -> None:
    grades = {"a": 2, "b": 1, "c": 1}
    assert precision_at_5(["x", "a", "y", "b", "c"], grades) == 1.0
    assert precision_at_5(["x", "y", "z", "w", "a"], grades) == pytest.approx(1 / 3)
    assert ndcg_at_10(["a", "b", "c"], grades) == 1.0
    assert ndcg_at_10(["b", "a"], grades) < 1.0
    assert ndcg_at_10([], grades) == 0.0
