"""The ward boundaries shipped in OS grid metres (partnerships/oxfordshire/wards-2013.json)."""

from __future__ import annotations

from brokerage.partnership import DEFAULT_FOLDER, load_partnership
from brokerage.places.lookup import GridPoint, _area
from brokerage.places.wards import WardFinder, all_wards, ward_of_postcode, wards_of_postcodes

# Oxfordshire lies well inside this box of the OS grid (metres).
COUNTY_BOX = (400_000, 500_000, 160_000, 260_000)


def test_every_ward_of_the_five_districts_lies_inside_the_county():
    wards = all_wards()
    assert len(wards) == 137
    assert {ward.district for ward in wards} == set(load_partnership(DEFAULT_FOLDER).districts)
    west, east, south, north = COUNTY_BOX
    for ward in wards:
        ward_west, ward_east, ward_south, ward_north = ward.box
        assert west < ward_west < ward_east < east, ward.name
        assert south < ward_south < ward_north < north, ward.name


def test_a_woodstock_postcode_is_in_woodstock_not_otmoor():
    # Part of Otmoor's boundary once came out of the conversion at easting 0, and 45
    # postcodes in Woodstock fell in the sliver that made.
    assert ward_of_postcode("OX20 1XS").name == "Woodstock and Bladon"


def test_the_ward_finder_finds_what_trying_every_ward_in_turn_finds():
    """Every Oxfordshire postcode, and every ward's box corners and outline's corners (points
    on a box's edge or a square's), placed by the finder as by testing all wards in order."""
    wards = all_wards()
    finder = WardFinder.of(wards)
    points = list(_area("ox").values())
    for ward in wards:
        west, east, south, north = ward.box
        corners = [(west, south), (west, north), (east, south), (east, north)]
        corners += [ring[0] for polygon in ward.polygons for ring in polygon]
        points += [GridPoint(int(x), int(y)) for x, y in corners]
        points += [GridPoint(int(x) + 1, int(y) - 1) for x, y in corners]
    for point in points:
        assert finder.ward_at(point) == next((w for w in wards if w.contains(point)), None)
    # Nearly every ward holds an OX postcode (a few lie in Reading's RG area).
    assert len({finder.ward_at(point) for point in points} - {None}) > 130


def test_postcodes_placed_all_at_once_fall_in_the_wards_each_alone_falls_in():
    # Every 10th postcode Code-Point Open places in the area (about 2,000), some on no
    # ward, and a Woodstock postcode beside the sliver that once took some.
    postcodes = [*list(_area("ox"))[::10], "OX20 1XS"]
    placed = wards_of_postcodes(postcodes)
    assert list(placed) == postcodes
    assert {postcode: ward_of_postcode(postcode) for postcode in postcodes} == placed
    assert None in placed.values()
    assert len({ward for ward in placed.values() if ward is not None}) > 100
