"""Trades as CPV codes: the vocabulary, its hierarchy, and reading what partners write."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from brokerage.listings import cpv, trades

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference" / "cpv-2008.csv"


def test_the_vocabulary_holds_every_code_of_the_regulation_by_level():
    levels = [entry.level for entry in cpv.vocabulary().values()]

    assert len(levels) == 9_454
    assert {level: levels.count(level) for level in cpv.LEVELS} == {
        "division": 45,
        "group": 272,
        "class": 1_002,
        "category": 8_135,
    }


@pytest.mark.skipif(not REFERENCE.exists(), reason="the shared reference folder is not here")
def test_the_packaged_vocabulary_is_the_reference_file_unchanged():
    with REFERENCE.open(encoding="utf-8") as handle:
        rows = {row["code"]: (row["level"], row["description"]) for row in csv.DictReader(handle)}

    assert {code: (e.level, e.description) for code, e in cpv.vocabulary().items()} == rows


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("45000000", "45000000"),
        ("45000000-7", "45000000"),
        (" 77314000 - 1 ", "77314000"),
        ("4500000", None),
        ("450000000", None),
        ("45000000-77", None),
        ("building", None),
        ("", None),
    ],
)
def test_a_code_is_read_with_or_without_its_check_digit(written, code):
    assert cpv.normalise_code(written) == code


def test_a_code_the_vocabulary_does_not_hold_is_not_looked_up():
    assert cpv.lookup("45999999") is None
    assert cpv.lookup("77314000-1").description == "Grounds maintenance services"


def test_a_codes_ancestors_are_its_division_group_and_class_broadest_first():
    assert cpv.ancestors("77314000") == ("77000000", "77300000", "77310000")
    assert cpv.ancestors("45000000") == ()
    assert cpv.prefix_at("77314000", "group") == "773"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("grounds maintenance", "77314000"),
        ("carpentery", "45422000"),  # misspelt
        ("window cleaning", "90911300"),
        ("school meals", "55523100"),
        ("7731", "77310000"),
    ],
)
def test_searching_the_vocabulary_finds_codes_by_words_or_digits(query, expected):
    assert expected in [entry.code for entry in cpv.search(query, limit=5)]


def test_searching_for_nothing_finds_nothing():
    assert cpv.search("   ") == []


def test_every_common_trade_names_a_code_the_vocabulary_holds():
    codes = [trade.code for trade in trades.COMMON_TRADES]

    assert set(codes) <= set(cpv.vocabulary())
    assert len(codes) == len(set(codes))
    assert 25 <= len(codes) <= 40


@pytest.mark.parametrize(
    ("written", "code"),
    [
        # What a partner's supplier list said, refused by the old import.
        ("IT services", "72000000"),
        ("Facilities management", "79993000"),
        ("Landscaping", "77310000"),
        ("Transport", "60000000"),
        ("Training", "80500000"),
        ("Energy", "09300000"),
        ("Community services", "98000000"),
        ("Professional services", "79000000"),
        # Any case, spacing, a code, a CPV description.
        ("  GROUNDS   maintenance ", "77310000"),
        ("45000000-7", "45000000"),
        ("Window-cleaning services", "90911300"),
        ("window cleaning", "90911300"),  # "... services" understood
        ("Landscaping work for parks", "45112711"),
        ("Grounds maintenance services", "77314000"),
    ],
)
def test_trades_are_recognised_as_people_write_them(written, code):
    assert trades.recognise(written).code == code


@pytest.mark.parametrize("written", ["Manufacturing", "45999999", "grounds maintenence", ""])
def test_what_is_not_plainly_a_trade_is_not_guessed(written):
    assert trades.recognise(written) is None


def test_a_misspelt_trade_gets_the_nearest_trades_as_suggestions():
    suggestions = trades.suggest("grounds maintenence")

    assert suggestions[0] == trades.Recognised("77310000", "Grounds maintenance and landscaping")
    assert len(suggestions) <= 3


def test_a_trade_is_shown_by_its_short_list_label_else_its_description():
    assert trades.label_of("77310000") == "Grounds maintenance and landscaping"
    assert trades.label_of("77314000") == "Grounds maintenance services"
    assert trades.label_of("99999999") == "99999999"
