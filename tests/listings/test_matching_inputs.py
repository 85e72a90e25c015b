"""Listings become the matching core's inputs, and the core ranks them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings import matching_inputs as inputs
from brokerage.listings import profiles, service
from brokerage.matching import Candidate, CandidatePool, MatchingPolicy, Wanted, WantedMeasure, rank
from brokerage.matching.reference import score_pair
from brokerage.toms.service import matching_catalogue
from tests.helpers.listings import listing_fields, load, priority_place_in_blackbird_leys


def test_an_offer_is_a_candidate_bounded_by_its_suppliers_service_radius(
    in_app, listings_world, make_listing
):
    start, end = service.today(), service.today() + timedelta(days=100)
    listing_id = make_listing("offer", available_from=start, available_to=end)

    def convert():
        offer = load("offer", listing_id)
        profile = profiles.save_profile(
            offer.organisation, profiles.ProfileFields(service_radius_km=15)
        )
        return offer.ref, inputs.candidate_from_offer(offer, profile)

    ref, candidate = in_app(convert)

    assert candidate == Candidate(
        key=ref,
        easting=454993.0,
        northing=203829.0,
        measures={"OIEP-S1": 4.0, "OIEP-S6": 40.0},
        text="Reading helpers for east Oxford schools\n"
        "Staff volunteering as reading helpers in primary schools.",
        category="volunteering",
        start=start,
        end=end,
        service_radius_m=15_000.0,
        in_priority_place=False,
        category_label="Volunteering and community",
    )


def test_an_offer_that_says_it_comes_by_video_call_is_given_remotely(in_app, make_listing):
    online = make_listing("offer", description="Volunteers practise English by video call.")
    in_person = make_listing("offer")

    def remote(listing_id):
        return inputs.candidate_from_offer(load("offer", listing_id)).remote

    assert in_app(lambda: remote(online)) is True
    assert in_app(lambda: remote(in_person)) is False


def test_an_offer_without_a_profile_serves_anywhere(in_app, make_listing):
    listing_id = make_listing("offer")

    candidate = in_app(lambda: inputs.candidate_from_offer(load("offer", listing_id)))

    assert candidate.service_radius_m is None


def test_an_opportunity_wants_its_measures_with_targets_and_weights(in_app, make_listing):
    listing_id = make_listing(
        "opportunity",
        measures={"OIEP-J1": Decimal(3), "OIEP-G3": Decimal("1.5")},
        weights={"OIEP-J1": Decimal(2)},
    )

    wanted = in_app(lambda: inputs.wanted_from_opportunity(load("opportunity", listing_id)))

    assert wanted.measures == (
        WantedMeasure("OIEP-J1", 3.0, 2.0),
        WantedMeasure("OIEP-G3", 1.5, 1.0),
    )
    assert (wanted.easting, wanted.northing, wanted.category) == (
        454993.0,
        203829.0,
        "volunteering",
    )
    assert (wanted.start, wanted.end, wanted.max_distance_m) == (None, None, None)


def test_a_need_wants_any_amount_where_it_gives_no_quantity_by_its_deadline(
    in_app, listings_world, make_listing
):
    listing_id = make_listing("need", postcode="OX4 6JZ")

    def convert():
        priority_place_in_blackbird_leys("Blackbird Leys")
        need = load("need", listing_id)
        service.refresh_locations()
        return need.deadline, inputs.wanted_from_need(need), inputs.candidate_from_need(need)

    deadline, wanted, candidate = in_app(convert)

    assert wanted.measures == (WantedMeasure("OIEP-S1", 90.0), WantedMeasure("OIEP-S2", None))
    assert (wanted.end, wanted.in_priority_place) == (deadline, True)
    assert candidate.measures == {"OIEP-S1": 90.0, "OIEP-S2": None}
    assert (candidate.end, candidate.in_priority_place) == (deadline, True)


def test_a_need_for_help_given_in_person_looks_no_further_than_its_in_person_reach(
    in_app, make_listing
):
    volunteers = make_listing("need")
    money = make_listing("need", measures={"OIEP-S7": Decimal(3000)})

    def convert(listing_id):
        need = load("need", listing_id)
        return inputs.wanted_from_need(need), inputs.candidate_from_need(need)

    wanted, candidate = in_app(lambda: convert(volunteers))
    assert wanted.max_distance_m == candidate.service_radius_m == 30_000.0
    wanted, candidate = in_app(lambda: convert(money))
    assert wanted.max_distance_m is None and candidate.service_radius_m is None


def test_only_a_need_for_money_or_goods_asks_for_help_that_can_be_sent(in_app, make_listing):
    volunteers = make_listing("need")
    money = make_listing("need", measures={"OIEP-S7": Decimal(3000)})

    def can_be_sent(listing_id):
        return inputs.wanted_from_need(load("need", listing_id)).can_be_sent

    assert in_app(lambda: can_be_sent(volunteers)) is False
    assert in_app(lambda: can_be_sent(money)) is True


def test_a_listing_whose_title_says_closed_is_a_closed_candidate(in_app, make_listing):
    closed = make_listing("offer", title="CLOSED - reading helpers 2025")
    open_ = make_listing("offer")

    flags = in_app(
        lambda: [inputs.candidate_from_offer(load("offer", i)).closed for i in (closed, open_)]
    )

    assert flags == [True, False]


def test_an_offer_looks_for_needs_as_far_as_its_supplier_serves(in_app, make_listing):
    listing_id = make_listing("offer")

    def convert():
        offer = load("offer", listing_id)
        profile = profiles.save_profile(
            offer.organisation, profiles.ProfileFields(service_radius_km=8)
        )
        return inputs.wanted_from_offer(offer, profile)

    wanted = in_app(convert)

    assert isinstance(wanted, Wanted)
    assert wanted.max_distance_m == 8_000.0
    assert wanted.measures == (WantedMeasure("OIEP-S1", 4.0), WantedMeasure("OIEP-S6", 40.0))


def test_an_opportunity_is_a_candidate_for_an_offer(in_app, make_listing):
    listing_id = make_listing("opportunity")

    candidate = in_app(lambda: inputs.candidate_from_opportunity(load("opportunity", listing_id)))

    assert candidate.measures == {"OIEP-J1": 3.0}


def test_the_core_ranks_a_local_reading_offer_above_a_distant_catering_one_for_archs_need(
    in_app, listings_world, make_listing
):
    need_id = make_listing(
        "need",
        postcode="OX4 1JE",
        title="90 reading helper volunteers",
        description="Volunteers to read with children in primary schools.",
    )
    local = make_listing("offer", postcode="OX4 2JY")
    distant = make_listing(
        "offer",
        organisation="supplier_2",
        postcode="SN1 1LF",
        title="Event catering",
        description="Hot food for conferences.",
        category="catering",
        measures={"OIEP-J4": Decimal(2)},
    )

    def ranking():
        pool = CandidatePool(
            [inputs.candidate_from_offer(load("offer", i)) for i in (distant, local)],
            matching_catalogue(),
        )
        wanted = inputs.wanted_from_need(load("need", need_id))
        return [result.key for result in rank(wanted, pool, MatchingPolicy())]

    assert in_app(ranking)[0] == f"OFF-{local}"


def test_the_conversions_read_every_listing_the_service_makes(in_app, listings_world):
    def convert_all():
        owners = {
            kind: db.session.get(Organisation, listings_world.organisations[key])
            for kind, key in (
                ("offer", "supplier"),
                ("opportunity", "buyer"),
                ("need", "beneficiary"),
            )
        }
        made = {
            kind: service.create_listing(owner, listing_fields(kind))
            for kind, owner in owners.items()
        }
        return [
            inputs.candidate_from_offer(made["offer"]).key,
            inputs.wanted_from_opportunity(made["opportunity"]).text,
            inputs.candidate_from_need(made["need"]).key,
        ]

    offer_key, text, need_key = in_app(convert_all)

    assert offer_key.startswith("OFF-") and need_key.startswith("NEED-")
    assert text.startswith("Reading helpers")


def test_a_reason_names_a_category_as_the_forms_label_it(in_app, make_listing):
    need_id = make_listing("need", category="education")
    offer_id = make_listing("offer", category="volunteering")

    def reasons() -> tuple[str, ...]:
        wanted = inputs.wanted_from_need(load("need", need_id))
        candidate = inputs.candidate_from_offer(load("offer", offer_id))
        found = score_pair(wanted, candidate, matching_catalogue(), MatchingPolicy())
        return () if found is None else found.reasons

    assert "Different category: Volunteering and community" in in_app(reasons)
