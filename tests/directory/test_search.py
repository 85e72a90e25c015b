"""The search itself: typo-tolerant words, distance, every filter, both sort orders,
pages, and nothing a signed-in stranger may not see."""

from __future__ import annotations

from decimal import Decimal

import pytest

from brokerage.accounts.models import Organisation
from brokerage.directory import index as directory_index
from brokerage.directory.service import Filters, ResultPage, radius_in_metres, search
from brokerage.extensions import db
from brokerage.listings import profiles, service
from brokerage.listings.models import Offer
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers.directory import offer_fields, vocabulary_comparisons

TEN_MILES = radius_in_metres(10, "miles")


def found(in_app, kind: str = "suppliers", page: int = 1, **filters) -> ResultPage:
    return in_app(lambda: search(kind, Filters(**filters), page))


def names(in_app, kind: str = "suppliers", **filters) -> list[str]:
    return [r.entry.name for r in found(in_app, kind, **filters).results]


def test_a_misspelt_word_finds_suppliers_by_their_offers_words(make_supplier, in_app):
    make_supplier("Oak and Ash", offers=(("Carpentry apprenticeships", "published"),))
    make_supplier("Clean Sweep", offers=(("Office cleaning", "published"),))

    page = found(in_app, words="carpentery")

    assert [r.entry.name for r in page.results] == ["Oak and Ash"]
    assert page.results[0].why == ("carpentry (for “carpentery”)",)
    assert 0.8 <= page.results[0].score < 1


def test_a_misspelt_word_finds_needs(make_need_or_opportunity, in_app):
    make_need_or_opportunity("need", "Reading volunteers for 46 schools")
    make_need_or_opportunity("need", "Laptops for families")

    assert names(in_app, "needs", words="volunteres") == ["Reading volunteers for 46 schools"]


def test_an_unrelated_word_finds_nothing(make_supplier, in_app):
    make_supplier("Oak and Ash", offers=(("Carpentry apprenticeships", "published"),))

    assert found(in_app, words="plumbing").total == 0


def test_every_word_typed_must_match(make_supplier, in_app):
    make_supplier("Oak and Ash", description="Carpentry in Cowley.")
    make_supplier("Cowley Cleaners", description="Cleaning in Cowley.")

    assert names(in_app, words="carpentry cowley") == ["Oak and Ash"]
    assert names(in_app, words="cowley") == ["Cowley Cleaners", "Oak and Ash"]


def test_a_measure_code_typed_finds_the_suppliers_offering_it(make_supplier, in_app):
    make_supplier(
        "Jobs First",
        offers=(("Jobs", "published"),),
        offer_changes={"measures": {"OIEP-J4": Decimal(2)}},
    )
    make_supplier("Volunteers", offers=(("Days", "published"),))

    page = found(in_app, words="oiep-j4")

    assert [r.entry.name for r in page.results] == ["Jobs First"]
    assert page.results[0].why == ("OIEP-J4",)


def test_a_radius_in_miles_includes_witney_and_excludes_banbury(make_supplier, in_app):
    make_supplier("Witney Works", postcode="OX28 6AA")  # 9.8 miles from OX1 1ND
    make_supplier("Banbury Builders", postcode="OX16 0AH")  # 21.6 miles
    make_supplier("Cowley Crafts", postcode="OX4 4HH")  # 2.0 miles

    within = found(in_app, postcode="OX1 1ND", radius_m=TEN_MILES, sort="distance")

    assert [r.entry.name for r in within.results] == ["Cowley Crafts", "Witney Works"]
    assert [r.distance_km for r in within.results] == [3.2, 15.8]
    ten_km = radius_in_metres(10, "km")
    assert names(in_app, postcode="OX1 1ND", radius_m=ten_km) == ["Cowley Crafts"]


def test_a_postcode_without_a_radius_shows_distances_and_limits_nothing(make_supplier, in_app):
    make_supplier("Banbury Builders", postcode="OX16 0AH")

    page = found(in_app, postcode="OX1 1ND")

    assert [(r.entry.name, r.distance_km) for r in page.results] == [("Banbury Builders", 34.8)]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"sector": "construction"}, ["Builder"]),
        ({"size": "micro"}, ["Builder"]),
        ({"vcse": True}, ["Community Caterer"]),
        ({"living_wage": True}, ["Community Caterer"]),
        ({"verified_only": True}, ["Builder"]),
        ({"measure": "OIEP-J4"}, ["Community Caterer"]),
        ({"theme": "Promote Local Skills and Employment"}, ["Community Caterer"]),
        ({}, ["Builder", "Community Caterer"]),
    ],
)
def test_each_filter_keeps_only_the_suppliers_it_describes(
    filters, expected, make_supplier, in_app
):
    make_supplier(
        "Builder",
        sector="construction",
        size="micro",
        verified=True,
        offers=(("Building", "published"),),
    )
    make_supplier(
        "Community Caterer",
        sector="catering",
        size="small",
        is_vcse=True,
        pays_real_living_wage=True,
        offers=(("Lunches", "published"),),
        offer_changes={"measures": {"OIEP-J4": Decimal(2)}},
    )

    assert names(in_app, **filters) == expected


def test_a_theme_filter_says_which_of_its_measures_matched(make_supplier, in_app):
    make_supplier(
        "Jobs First",
        offers=(("Jobs", "published"),),
        offer_changes={"measures": {"OIEP-J4": Decimal(2)}},
    )

    page = found(in_app, theme="Promote Local Skills and Employment")

    assert page.results[0].why == ("Promote Local Skills and Employment: OIEP-J4",)


def test_needs_filter_on_category_and_their_organisations_verification(
    make_need_or_opportunity, in_app
):
    make_need_or_opportunity("need", "Reading helpers", category="education", verified=True)
    make_need_or_opportunity("need", "Tablets", category="goods")

    assert names(in_app, "needs", sector="education") == ["Reading helpers"]
    assert names(in_app, "needs", verified_only=True) == ["Reading helpers"]


def test_relevance_puts_a_name_match_first_and_distance_puts_the_nearest_first(
    make_supplier, in_app
):
    make_supplier("Carpentry Co", postcode="OX16 0AH")
    make_supplier("Far Less Relevant", postcode="OX4 4HH", description="We also do carpentry.")

    by_relevance = names(in_app, words="carpentry", postcode="OX1 1ND", sort="relevance")
    by_distance = names(in_app, words="carpentry", postcode="OX1 1ND", sort="distance")

    assert by_relevance == ["Carpentry Co", "Far Less Relevant"]
    assert by_distance == ["Far Less Relevant", "Carpentry Co"]


def test_results_come_twenty_to_a_page(make_supplier, in_app):
    for number in range(25):
        make_supplier(f"Supplier {number:02d}")

    first, second, beyond = (found(in_app, page=page) for page in (1, 2, 3))

    assert (first.total, first.pages, len(first.results)) == (25, 2, 20)
    assert [r.entry.name for r in second.results] == [f"Supplier {n}" for n in range(20, 25)]
    assert beyond.results == [] and beyond.total == 25


def test_draft_and_archived_offers_lend_their_words_to_nobody(make_supplier, in_app):
    make_supplier("Quiet Firm", offers=(("Secret carpentry", "draft"), ("Old roofing", "archived")))

    assert found(in_app, words="carpentry").total == 0
    assert found(in_app, words="roofing").total == 0
    assert names(in_app) == ["Quiet Firm"]  # the profile itself is public


@pytest.mark.parametrize("kind", ["need", "opportunity"])
@pytest.mark.parametrize("status", ["draft", "archived"])
def test_draft_and_archived_needs_and_opportunities_never_appear(
    kind, status, make_need_or_opportunity, in_app
):
    make_need_or_opportunity(kind, "Hidden reading volunteers", status=status)
    make_need_or_opportunity(kind, "Open reading volunteers")

    assert names(in_app, f"{kind.replace('y', 'ie')}s", words="reading") == [
        "Open reading volunteers"
    ]


def test_organisations_without_a_profile_or_of_another_kind_are_not_suppliers(
    make_supplier, make_need_or_opportunity, in_app, create
):
    create(OrganisationFactory, name="No Profile Ltd", kind="supplier")
    make_need_or_opportunity("opportunity", "Cleaning", organisation="A Buyer")
    make_supplier("Listed Ltd")

    assert names(in_app) == ["Listed Ltd"]


def test_a_newly_published_offer_is_found_at_once(make_supplier, in_app):
    supplier_id = make_supplier("Late Starter")
    assert found(in_app, words="joinery").total == 0  # the index is built now

    def publish() -> None:
        organisation = db.session.get(Organisation, supplier_id)
        offer = service.create_listing(organisation, offer_fields("Joinery for schools"))
        service.change_status(offer, "publish", UserFactory(is_staff=True))
        db.session.commit()

    in_app(publish)

    assert names(in_app, words="joinery") == ["Late Starter"]


def test_an_archived_offer_and_a_renamed_supplier_are_searched_as_they_now_are(
    make_supplier, in_app
):
    supplier_id = make_supplier("Old Name", offers=(("Roofing", "published"),))
    assert names(in_app, words="roofing") == ["Old Name"]

    def change() -> None:
        organisation = db.session.get(Organisation, supplier_id)
        organisation.name = "New Name"
        offer = db.session.scalar(db.select(Offer).filter_by(organisation_id=supplier_id))
        service.change_status(offer, "archive", UserFactory(is_staff=True))
        db.session.commit()

    in_app(change)

    assert found(in_app, words="roofing").total == 0
    assert names(in_app, words="new") == ["New Name"]


def test_a_supplier_whose_saving_was_rolled_back_is_not_found(make_supplier, in_app, app):
    make_supplier("Kept Carpentry")

    def saved_then_rolled_back() -> tuple[list[str], list[str]]:
        phantom = OrganisationFactory(name="Phantom Carpentry", kind="supplier")
        profiles.save_profile(phantom, profiles.ProfileFields())
        during = [r.entry.name for r in search("suppliers", Filters(words="carpentry")).results]
        db.session.rollback()
        after = [r.entry.name for r in search("suppliers", Filters(words="carpentry")).results]
        return during, after

    during, after = in_app(saved_then_rolled_back)

    assert during == ["Kept Carpentry", "Phantom Carpentry"]
    assert after == ["Kept Carpentry"]


def test_a_supplier_whose_postcode_has_no_place_has_no_distance(make_supplier, in_app):
    make_supplier("Nowhere Ltd", postcode="OX99 9ZZ")
    make_supplier("Cowley Crafts", postcode="OX4 4HH")

    anywhere = found(in_app, postcode="OX1 1ND", sort="distance")
    nearby = found(in_app, postcode="OX1 1ND", radius_m=TEN_MILES)

    assert [(r.entry.name, r.distance_km) for r in anywhere.results] == [
        ("Cowley Crafts", 3.2),
        ("Nowhere Ltd", None),
    ]
    assert [r.entry.name for r in nearby.results] == ["Cowley Crafts"]


def test_a_word_is_matched_against_the_vocabulary_once_per_index(
    make_supplier, in_app, monkeypatch
):
    make_supplier("Oak and Ash", offers=(("Carpentry apprenticeships", "published"),))
    compared = vocabulary_comparisons(monkeypatch)
    first = found(in_app, words="carpentery")
    again = found(in_app, words="carpentery cowley")
    assert compared == ["carpentery", "cowley"]
    assert again.total == 0
    assert found(in_app, words="carpentery") == first

    make_supplier("Birch Joinery", offers=(("Carpentry for schools", "published"),))

    assert names(in_app, words="carpentery") == ["Birch Joinery", "Oak and Ash"]
    assert compared == ["carpentery", "cowley", "carpentery"]  # a new index matches afresh


def test_an_index_keeps_the_words_searched_most_recently(make_supplier, in_app, monkeypatch):
    make_supplier("Oak and Ash", offers=(("Carpentry apprenticeships", "published"),))
    compared = vocabulary_comparisons(monkeypatch)
    monkeypatch.setattr(directory_index, "WORD_MATCHES_KEPT", 3)
    for words in ("carpentry", "cowley", "joinery", "carpentry", "plumbing", "carpentry"):
        found(in_app, words=words)

    # "carpentry", searched again before "plumbing" came, stayed; "cowley" went.
    assert compared == ["carpentry", "cowley", "joinery", "plumbing"]
    found(in_app, words="cowley")
    assert compared[-1] == "cowley"
