"""Need -> offers on the labelled county's misses (issue 21 point 2), rule by rule on the
matching core: listings whose title says they are closed, misspelt synonyms, the title's
words, measure codes without a word in common, and in-person help that is too far."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from brokerage.matching import (
    Candidate,
    CandidatePool,
    MatchingPolicy,
    Wanted,
    WantedMeasure,
    rank,
    score_pair,
)
from brokerage.matching.text import (
    fit_words,
    says_delivered_remotely,
    synonym_cover,
    title_says_closed,
)
from tests.matching.strategies import CATALOGUE

POLICY = MatchingPolicy()
HERE = (451_000.0, 206_000.0)
HOURS = (WantedMeasure("OIEP-S6", 10),)
HOURS_OFFERED = {"OIEP-S6": 10.0}


def _need(text: str, measures: tuple[WantedMeasure, ...] = (), **more) -> Wanted:
    return Wanted(*HERE, measures=measures, text=text, **more)


def _offer(text: str, measures: dict | None = None, key: str = "OFF-1", **more) -> Candidate:
    return Candidate(key, *HERE, measures=measures or {}, text=text, **more)


def _ranked(need: Wanted, *offers: Candidate) -> list[str]:
    return [str(r.key) for r in rank(need, CandidatePool(offers, CATALOGUE), POLICY)]


# Closed titles -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "CLOSED - reading volunteers 2025",
        "Laptop giveaway (expired offer)",
        "ARCHIVED: mentoring scheme",
        "Reading helpers - closed",
        "Decorating days [withdrawn]",
    ],
)
def test_a_title_that_labels_its_listing_closed_says_so(title):
    assert title_says_closed(title)


@pytest.mark.parametrize(
    "title",
    ["Closed-loop recycling for charities", "Expired food redistributed", "Reading helpers"],
)
def test_closed_as_an_ordinary_word_is_no_label(title):
    assert not title_says_closed(title)


def test_an_offer_that_says_it_is_closed_is_never_listed():
    need = _need("Reading helper volunteers", (WantedMeasure("OIEP-S1", 10),))
    closed = _offer("CLOSED - reading helper volunteers", {"OIEP-S1": 10}, closed=True)
    open_ = _offer("Reading helper volunteers", {"OIEP-S1": 10}, key="OFF-2")
    assert score_pair(need, closed, CATALOGUE, POLICY) is None
    assert _ranked(need, closed, open_) == ["OFF-2"]


# Words ---------------------------------------------------------------------------------


def test_a_misspelt_word_still_names_its_synonym_group():
    assert "=computers" in fit_words("Lap tops and compters for our homework club")
    found = score_pair(
        _need("Compters for our homework club"), _offer("Laptops"), CATALOGUE, POLICY
    )
    assert found is not None and found.fit > 0
    assert any("computers (in other words)" in reason for reason in found.reasons)


def test_the_words_of_a_synonym_phrase_are_found_by_an_offer_naming_its_group():
    need = _need("Computers for families")
    laptops = _offer("Laptops for families")
    assert synonym_cover(fit_words(need.text)) == {"=computers": frozenset({"computer"})}
    found = score_pair(need, laptops, CATALOGUE, POLICY)
    assert found is not None and found.fit == pytest.approx(1.0)
    assert "Description fit 100%: computers (in other words)" in found.reasons
    assert "Counted at 10% (words for who is helped): families" in found.reasons
    assert rank(need, CandidatePool((laptops,), CATALOGUE), POLICY)[0].fit == pytest.approx(1.0)


def test_a_number_says_how_many_not_what_and_earns_no_fit():
    assert "two" not in fit_words("Two Carterton primaries want adults to hear children read")
    need = _need("Two primaries want adults to hear children read")
    decorators = _offer("Two of our team decorate halls")
    found = score_pair(need, decorators, CATALOGUE, POLICY)
    assert found is None or found.fit == 0.0
    assert _ranked(need, decorators) == []


def test_a_synonym_phrase_only_partly_written_covers_nothing():
    assert synonym_cover(fit_words("Hearing aids for children")) == {}


def test_a_word_of_the_need_title_counts_more_than_one_of_its_description():
    need = _need("Leaflets for our fun day\nPrinted for the estate")
    title_word = _offer("Leaflets", key="OFF-1")
    description_word = _offer("Estate", key="OFF-2")
    assert _ranked(need, description_word, title_word) == ["OFF-1", "OFF-2"]


# Measure codes alone -------------------------------------------------------------------


def test_the_right_measure_with_no_word_in_common_counts_at_half():
    need = _need("Interpreters for a parents' evening", HOURS)
    worded = score_pair(need, _offer("Interpreters", {"OIEP-S6": 10}), CATALOGUE, POLICY)
    wordless = score_pair(need, _offer("Tree planting", {"OIEP-S6": 10}), CATALOGUE, POLICY)
    assert worded.toms == pytest.approx(1.0)
    assert wordless.toms == pytest.approx(0.5)
    assert (
        "No words in common, so the measures above count at half: a measure alone says little "
        "about the help"
    ) in wordless.reasons
    assert not any(r.startswith("No words in common") for r in worded.reasons)


def test_the_vectorised_engine_halves_a_wordless_measure_as_the_reference_does():
    need = _need("Interpreters for a parents' evening", HOURS)
    offers = (
        _offer("Interpreters", {"OIEP-S6": 10}),
        _offer("Tree planting", {"OIEP-S6": 10}, "OFF-2"),
    )
    ranked = rank(need, CandidatePool(offers, CATALOGUE), POLICY)
    assert [(r.key, round(r.toms, 9)) for r in ranked] == [("OFF-1", 1.0), ("OFF-2", 0.5)]


# Words bear out the measures ------------------------------------------------------------

GARDEN = (
    "Volunteers for the community garden\n"
    "Digging beds, weeding and planting vegetables on Saturdays."
)


def test_the_same_broad_measure_with_only_a_common_word_counts_less_than_the_help_asked_for():
    need = _need(GARDEN, HOURS)
    gardeners = _offer("Garden volunteers\nWe dig and plant community gardens", {"OIEP-S6": 10})
    decorators = _offer("Decorating community halls", {"OIEP-S6": 10}, "OFF-2")
    pool = CandidatePool((decorators, gardeners), CATALOGUE)
    found = {
        r.key: r
        for r in (score_pair(need, o, CATALOGUE, POLICY, pool.word_weight) for o in pool.candidates)
    }
    assert found["OFF-1"].toms == pytest.approx(1.0)
    assert found["OFF-2"].toms < 1.0
    assert any(
        r.startswith("Few words in common (")
        and f", where {POLICY.confirming_fit:.0%} confirms the help), so the measures "
        "above count at "
        in r
        for r in found["OFF-2"].reasons
    )
    ranked = rank(need, pool, POLICY)
    assert [(r.key, round(r.toms, 9)) for r in ranked] == [
        (key, round(found[key].toms, 9)) for key in ("OFF-1", "OFF-2")
    ]


def test_words_that_say_the_help_asked_for_earn_a_related_measures_credit():
    need = _need("ESOL for refugee women\nEnglish language support in Banbury", HOURS)
    english = _offer("English language classes for refugees", {"OIEP-J3": 3})
    bookkeeping = _offer("Bookkeeping for community groups", {"OIEP-S6": 12}, "OFF-2")
    found = score_pair(need, english, CATALOGUE, POLICY)
    assert found is not None and found.toms > 0
    assert any(r.startswith("The descriptions alone count at ") for r in found.reasons)
    assert _ranked(need, bookkeeping, english)[0] == "OFF-1"


def test_a_buyer_can_check_the_descriptions_credit_from_the_numbers_its_reason_gives():
    need = _need("ESOL for refugee women\nEnglish language support in Banbury", HOURS)
    english = _offer("English language classes for refugees", {"OIEP-J3": 3})
    found = score_pair(need, english, CATALOGUE, replace(POLICY, same_help_fit=1.0))
    [reason] = [r for r in found.reasons if r.startswith("The descriptions alone")]
    credit, fit, enough, full = (int(n) / 100 for n in re.findall(r"(\d+)%", reason))
    assert credit == pytest.approx(full * min(1.0, fit / enough), abs=0.01)
    assert credit == pytest.approx(found.toms, abs=0.005)


def test_a_query_of_words_alone_has_no_toms_credit_to_give():
    found = score_pair(_need("Computers for families"), _offer("Laptops"), CATALOGUE, POLICY)
    assert found is not None and found.toms == 0.0
    assert not any(r.startswith("The descriptions alone") for r in found.reasons)


# In person -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "in_person"),
    [("OIEP-S1", True), ("OIEP-S6", True), ("OIEP-J1", True), ("OIEP-S7", False)],
)
def test_help_counted_in_people_or_hours_is_given_in_person_and_money_is_not(code, in_person):
    assert CATALOGUE.is_in_person(code) is in_person


def test_money_or_goods_far_away_keep_half_the_location_score_and_say_why():
    far = (HERE[0] + 90_000, HERE[1])
    laptops = Candidate("OFF-1", *far, measures={"OIEP-S8": 10}, text="Laptops posted")
    need = _need("Laptops for our homework club", (WantedMeasure("OIEP-S8", 10),))
    sent = replace(need, can_be_sent=True)
    assert score_pair(need, laptops, CATALOGUE, POLICY).location < 0.05
    found = score_pair(sent, laptops, CATALOGUE, POLICY)
    assert found.location == pytest.approx(0.5)
    assert any(r.startswith("Money or goods can be sent") for r in found.reasons)
    assert rank(sent, CandidatePool((laptops,), CATALOGUE), POLICY)[0].location == pytest.approx(
        0.5
    )


@pytest.mark.parametrize(
    "text",
    [
        "Online English conversation practice",
        "Refurbished laptops, sent by post",
        "Free legal advice by phone or in person",
        "Volunteers practise English with refugees by video call",
        "Free print runs for charities, posted",
    ],
)
def test_an_offer_that_says_it_comes_online_or_by_post_is_given_remotely(text):
    assert says_delivered_remotely(text)


@pytest.mark.parametrize(
    "text", ["Post-op befriending at home", "Reading helpers in primary schools", "Phonics"]
)
def test_an_offer_given_in_person_is_not_read_as_remote(text):
    assert not says_delivered_remotely(text)


def test_help_given_remotely_is_not_bounded_by_the_in_person_reach_and_says_why():
    far = (HERE[0] + 80_000, HERE[1])
    need = _need("English conversation for refugees", HOURS, max_distance_m=30_000.0)
    online = Candidate(
        "OFF-1", *far, HOURS_OFFERED, text="English conversation online", remote=True
    )
    in_person = Candidate("OFF-2", *far, HOURS_OFFERED, text="English conversation club")
    assert score_pair(need, in_person, CATALOGUE, POLICY) is None
    found = score_pair(need, online, CATALOGUE, POLICY)
    assert found is not None and found.location == pytest.approx(0.5)
    assert "Given online, by phone or by post: location counts at least half, however far" in (
        found.reasons
    )
    assert _ranked(need, in_person, online) == ["OFF-1"]


# The policy staff tune -----------------------------------------------------------------


def test_staff_set_the_share_of_the_ask_that_counts_in_full():
    need = _need("Reading helper volunteers", (WantedMeasure("OIEP-S1", 60),))
    readers = _offer("Reading helper volunteers", {"OIEP-S1": 12})
    strict = replace(POLICY, full_cover_share=0.5)
    assert score_pair(need, readers, CATALOGUE, POLICY).toms == pytest.approx(1.0)
    found = score_pair(need, readers, CATALOGUE, strict)
    assert found.toms < 1.0
    assert any("in full from 50% of the ask)" in reason for reason in found.reasons)
    ranked = rank(need, CandidatePool((readers,), CATALOGUE), strict)
    assert ranked[0].toms == pytest.approx(found.toms)


def test_staff_set_the_location_score_of_help_sent_from_afar():
    far = (HERE[0] + 90_000, HERE[1])
    laptops = Candidate("OFF-1", *far, measures={"OIEP-S8": 10}, text="Laptops posted")
    need = _need("Laptops", (WantedMeasure("OIEP-S8", 10),), can_be_sent=True)
    lower = replace(POLICY, sent_help_location_floor=0.25)
    found = score_pair(need, laptops, CATALOGUE, lower)
    assert found.location == pytest.approx(0.25)
    assert "Money or goods can be sent: location counts at least a quarter, however far" in (
        found.reasons
    )
    ranked = rank(need, CandidatePool((laptops,), CATALOGUE), lower)
    assert ranked[0].location == pytest.approx(0.25)


def test_staff_set_how_much_the_words_must_say_to_confirm_a_measure_or_stand_for_one():
    gardeners = _offer("Tidying community gardens", HOURS_OFFERED)
    strict = replace(POLICY, confirming_fit=0.5)
    assert score_pair(_need(GARDEN, HOURS), gardeners, CATALOGUE, POLICY).toms == 1.0
    confirmed = score_pair(_need(GARDEN, HOURS), gardeners, CATALOGUE, strict)
    assert confirmed.toms < 1.0
    assert any("where 50% confirms the help" in reason for reason in confirmed.reasons)
    english = _offer("English language classes for refugees", {"OIEP-J3": 3})
    esol = _need("ESOL for refugee women\nEnglish language support in Banbury", HOURS)
    assert score_pair(esol, english, CATALOGUE, POLICY).toms == POLICY.same_outcome_credit
    demanding = replace(POLICY, same_help_fit=1.0)
    by_words = score_pair(esol, english, CATALOGUE, demanding)
    assert by_words.toms == pytest.approx(POLICY.same_outcome_credit * by_words.fit)
    assert any(
        "from 100% in common they count as a related measure does (50%)" in reason
        for reason in by_words.reasons
    )


@pytest.mark.parametrize("name", ["confirming_fit", "same_help_fit", "full_cover_share"])
def test_a_share_that_divides_the_words_or_the_ask_must_be_above_zero(name):
    with pytest.raises(ValueError, match=f"{name} must be above 0"):
        replace(POLICY, **{name: 0.0})


def test_the_policy_defaults_are_the_figures_the_county_was_measured_with():
    assert (
        POLICY.confirming_fit,
        POLICY.same_help_fit,
        POLICY.full_cover_share,
        POLICY.sent_help_location_floor,
    ) == (0.12, 0.5, 0.1, 0.5)
