"""Priority places: the reference list, their postcode prefixes, `resolve`, and the
staff pages that manage them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.places import service
from brokerage.places.models import PriorityPlace
from brokerage.places.postcodes import InvalidPostcode, normalise_prefix
from brokerage.places.wards import ward_named
from tests.helpers.pages import page_text
from tests.helpers.web import post_form


@pytest.fixture
def reference_places(app) -> None:
    with app.app_context():
        service.load_reference_priority_places()
        db.session.commit()


def _place(name: str) -> PriorityPlace:
    return db.session.scalars(select(PriorityPlace).where(PriorityPlace.name == name)).one()


def _set_prefixes(in_app, name: str, text: str) -> None:
    def change() -> None:
        place = _place(name)
        service.save_priority_place(
            place,
            name=place.name,
            local_authority=place.local_authority,
            prefixes=service.read_prefixes(text),
            wards=[ward_named(ward.ward_name) for ward in place.wards],
            reason=place.reason,
            source=place.source,
        )
        db.session.commit()

    in_app(change)


# The reference list -----------------------------------------------------------------


def test_the_reference_list_adds_nine_places_each_made_of_its_wards(app, in_app):
    def load() -> list[str]:
        added = service.load_reference_priority_places()
        db.session.commit()
        return added

    assert len(in_app(load)) == 9
    places = in_app(service.priority_places)
    assert {p.name: p.wards_text for p in places if p.wards_text != p.name} == {
        "The Leys": "Blackbird Leys\nNorthfield Brook"
    }
    assert all(place.wards for place in places)
    assert [p.name for p in places if p.prefixes] == []
    assert in_app(lambda: _place("Berinsfield").local_authority) == "South Oxfordshire"
    assert "Growing Minds" in in_app(lambda: _place("Berinsfield").reason)


def test_the_reference_list_again_adds_nothing_and_keeps_what_staff_changed(
    reference_places, in_app
):
    _set_prefixes(in_app, "Blackbird Leys", "OX4 6")

    assert in_app(service.load_reference_priority_places) == []
    assert in_app(lambda: _place("Blackbird Leys").prefixes_text) == "OX4 6"


# Flagging postcodes -----------------------------------------------------------------


# Real postcodes whose Code-Point Open point lies in each ward (2013 boundaries).
@pytest.mark.parametrize(
    ("postcode", "ward", "places"),
    [
        ("OX4 6AE", "Blackbird Leys", ["Blackbird Leys", "The Leys"]),
        ("OX4 6DA", "Northfield Brook", ["Northfield Brook", "The Leys"]),
        ("OX4 4XN", "Littlemore", ["Littlemore"]),
        ("OX10 7AA", "Berinsfield", ["Berinsfield"]),
        ("OX16 0AX", "Banbury Ruscote", ["Banbury Ruscote"]),
        ("OX2 7PA", "Summertown", []),
    ],
)
def test_the_reference_places_flag_the_postcodes_in_their_wards(
    reference_places, in_app, postcode, ward, places
):
    place = in_app(lambda: service.resolve(postcode))

    assert (place.ward, list(place.priority_places)) == (ward, places)
    assert place.priority_place == (places[0] if places else None)


def test_a_place_without_wards_or_prefixes_flags_no_postcode(app, in_app):
    def add() -> None:
        service.save_priority_place(
            None, name="By name", local_authority="Oxford", prefixes=[], reason="", source=""
        )
        db.session.commit()

    in_app(add)
    assert in_app(lambda: service.is_in_priority_place("OX4 6AE")) is False


def test_a_sector_added_by_staff_flags_the_postcodes_in_it(reference_places, in_app):
    _set_prefixes(in_app, "Blackbird Leys", "ox4 6")

    place = in_app(lambda: service.resolve("ox46jz"))

    assert place == service.Place(
        postcode="OX4 6JZ",
        easting=454260,
        northing=202937,
        district="Oxford",
        ward="Littlemore",
        priority_places=("Blackbird Leys", "Littlemore"),
    )
    assert place.in_priority_place
    assert in_app(lambda: service.is_in_priority_place("OX4 1AA")) is False


def test_the_most_specific_prefix_or_ward_wins_and_a_district_does_not_match_a_longer_one(
    reference_places, in_app
):
    _set_prefixes(in_app, "The Leys", "OX4")
    _set_prefixes(in_app, "Blackbird Leys", "OX4 6")
    _set_prefixes(in_app, "Littlemore", "OX4 6JZ")

    assert in_app(lambda: service.resolve("OX4 6JZ").priority_place) == "Littlemore"
    assert in_app(lambda: service.resolve("OX4 6AA").priority_place) == "Blackbird Leys"
    # A ward is more specific than a district, less than a sector.
    assert in_app(lambda: service.resolve("OX4 4HH").priority_place) == "Rose Hill and Iffley"
    assert in_app(lambda: service.resolve("OX4 1AA").priority_place) == "The Leys"
    assert in_app(lambda: service.resolve("OX44 9AA").priority_place) is None


def test_resolve_refuses_unknown_and_malformed_postcodes(app, in_app):
    with pytest.raises(service.UnknownPostcode, match="We could not find OX99 9ZZ."):
        in_app(lambda: service.resolve("ox99 9zz"))
    with pytest.raises(InvalidPostcode):
        in_app(lambda: service.resolve("OX4"))
    with pytest.raises(service.UnknownPostcode, match="We could not find M35 5AN"):  # no position
        in_app(lambda: service.resolve("M35 5AN"))


def test_resolve_outside_the_county(app, in_app):
    place = in_app(lambda: service.resolve("M1 1AE"))
    assert (place.district, place.priority_place) == ("outside Oxfordshire", None)


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [("ox4", "OX4"), (" ox4  6 ", "OX4 6"), ("ox46jz", "OX4 6JZ"), ("OX16 0", "OX16 0")],
)
def test_prefixes_are_normalised(typed, prefix):
    assert normalise_prefix(typed) == prefix


def test_prefix_lines_keep_their_notes_and_refuse_what_is_not_a_postcode_prefix():
    assert service.read_prefixes("OX16 0 (partial)\nox4 6; OX4 6JZ") == [
        ("OX16 0", "partial"),
        ("OX4 6", ""),
        ("OX4 6JZ", ""),
    ]
    with pytest.raises(service.InvalidPrefixes) as refused:
        service.read_prefixes("OX99\nBlackbird Leys\nOX160\nOX4 (a) (b)")
    assert refused.value.problems == [
        "No postcode in the Ordnance Survey list starts with OX99.",
        "“Blackbird Leys” is not a postcode district (OX4), sector (OX4 6) or postcode (OX4 6JZ).",
        "“OX160” is not a postcode district (OX4), sector (OX4 6) or postcode (OX4 6JZ).",
        "“OX4 (a) (b)” cannot be read: put a note in brackets after it.",
    ]


# Staff pages ----------------------------------------------------------------------

PAGES = ["/places/priority-places", "/places/priority-places/new", "/places/priority-places/1/edit"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(anon, page):
    response = anon.get(page)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["buyer", "supplier", "beneficiary", "task_force"])
@pytest.mark.parametrize("page", PAGES)
def test_people_who_are_not_staff_cannot_see_the_pages(request, role, page, reference_places):
    assert request.getfixturevalue(role).get(page).status_code == 403


@pytest.mark.parametrize("role", ["buyer", "supplier"])
def test_people_who_are_not_staff_cannot_change_priority_places(request, role, in_app):
    client = request.getfixturevalue(role)

    assert post_form(client, "/places/priority-places/reference", {}).status_code == 403
    response = post_form(
        client,
        "/places/priority-places/new",
        {"name": "Mine", "local_authority": "Oxford", "prefixes": "OX4"},
    )
    assert response.status_code == 403
    assert in_app(service.priority_places) == []


def test_staff_add_the_reference_list_from_the_page(staff, in_app):
    response = post_form(staff, "/places/priority-places/reference", {})

    assert response.status_code == 302
    text = page_text(staff.get("/places/priority-places"))
    assert "Added 9 places from the reference list" in text
    assert "Banbury Ruscote (change) Cherwell Banbury Ruscote none" in text
    assert "The Leys (change) Oxford Blackbird Leys, Northfield Brook none" in text


def test_staff_add_a_priority_place(staff, in_app):
    response = post_form(
        staff,
        "/places/priority-places/new",
        {
            "name": "Test Estate",
            "local_authority": "Oxford",
            "prefixes": "OX4 6\nOX4 4HH (the community centre)",
            "reason": "A test",
            "source": "The test suite",
        },
    )

    assert response.status_code == 302
    place = in_app(lambda: _place("Test Estate"))
    assert in_app(lambda: _place("Test Estate").prefixes_text) == (
        "OX4 4HH (the community centre)\nOX4 6"
    )
    assert (place.reason, place.source) == ("A test", "The test suite")


def test_staff_give_a_place_its_postcode_sectors(staff, reference_places, in_app):
    place_id = in_app(lambda: _place("Blackbird Leys").id)
    form_page = f"/places/priority-places/{place_id}/edit"
    assert "Blackbird Leys" in page_text(staff.get(form_page))

    response = post_form(
        staff,
        form_page,
        {"name": "Blackbird Leys", "local_authority": "Oxford", "prefixes": "OX4 6"},
    )

    assert response.status_code == 302
    assert in_app(lambda: service.resolve("OX4 6JZ").priority_place) == "Blackbird Leys"
    assert in_app(lambda: _place("Blackbird Leys").updated_at) is not None


def test_a_bad_prefix_is_a_field_error_and_keeps_what_was_typed(staff, reference_places, in_app):
    place_id = in_app(lambda: _place("Littlemore").id)

    response = post_form(
        staff,
        f"/places/priority-places/{place_id}/edit",
        {"name": "Littlemore", "local_authority": "Oxford", "prefixes": "OX4 6\nOX99"},
    )

    assert response.status_code == 400
    assert "No postcode in the Ordnance Survey list starts with OX99." in page_text(response)
    assert "OX4 6\nOX99</textarea>" in response.get_data(as_text=True)
    assert in_app(lambda: _place("Littlemore").prefixes) == []


def test_a_second_place_with_the_same_name_is_refused(staff, reference_places, in_app):
    response = post_form(
        staff,
        "/places/priority-places/new",
        {"name": "blackbird leys", "local_authority": "Oxford"},
    )

    assert response.status_code == 400
    assert "There is already a priority place called Blackbird Leys." in page_text(response)


def test_an_unknown_district_is_refused(staff, in_app):
    response = post_form(
        staff, "/places/priority-places/new", {"name": "Elsewhere", "local_authority": "Swindon"}
    )
    assert response.status_code == 400
    assert in_app(service.priority_places) == []


def test_staff_check_a_postcodes_district_and_priority_place(staff, reference_places):
    text = page_text(staff.get("/places/priority-places?postcode=ox16+0ax"))

    assert "Postcode OX16 0AX" in text
    assert "District Cherwell" in text
    assert "Ward (2013 wards) Banbury Ruscote" in text
    assert "Priority place Banbury Ruscote" in text


def test_checking_an_unknown_postcode_is_a_field_error(staff):
    response = staff.get("/places/priority-places?postcode=OX99+9ZZ")
    assert response.status_code == 400
    assert "We cannot find OX99 9ZZ" in page_text(response)


def test_an_unknown_place_is_not_found(staff):
    assert staff.get("/places/priority-places/999999/edit").status_code == 404


def test_a_ward_that_does_not_exist_is_a_field_error(staff, reference_places, in_app):
    place_id = in_app(lambda: _place("Littlemore").id)

    response = post_form(
        staff,
        f"/places/priority-places/{place_id}/edit",
        {"name": "Littlemore", "local_authority": "Oxford", "wards": "Littlemore\nLittlemoor"},
    )

    assert response.status_code == 400
    assert "There is no ward called “Littlemoor” in the 2013 wards." in page_text(response)
    assert in_app(lambda: _place("Littlemore").wards_text) == "Littlemore"


def test_a_postcode_outside_the_area_is_a_field_error(staff, in_app):
    response = post_form(
        staff,
        "/places/priority-places/new",
        {"name": "Far away", "local_authority": "Oxford", "prefixes": "SW1A 1AA"},
    )

    assert response.status_code == 400
    assert "SW1A 1AA is outside the partnership's postcode areas (OX)." in page_text(response)
    assert in_app(service.priority_places) == []


def test_staff_give_a_place_its_wards_by_name(staff, in_app):
    response = post_form(
        staff,
        "/places/priority-places/new",
        {"name": "South east", "local_authority": "Oxford", "wards": " littlemore ; Berinsfield"},
    )

    assert response.status_code == 302
    assert in_app(lambda: _place("South east").wards_text) == "Berinsfield\nLittlemore"
    assert in_app(lambda: service.resolve("OX4 4XN").priority_places) == ("South east",)
    edit = staff.get(f"/places/priority-places/{in_app(lambda: _place('South east').id)}/edit")
    assert "Berinsfield\nLittlemore</textarea>" in edit.get_data(as_text=True)
