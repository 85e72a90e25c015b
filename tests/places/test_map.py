"""The county map's layout (brokerage/places/map.py): outlines from the simplified wards,
dots at postcodes, shades and their key. Pure: no app needed."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from brokerage.partnership import DEFAULT_FOLDER, load_partnership
from brokerage.places.lookup import GridPoint, locate_postcode
from brokerage.places.map import (
    NOWHERE,
    SHADES,
    clip_ring,
    dot_map,
    enlarged,
    geometry,
    legend,
    shade_of,
    shaded_map,
)

OXFORDSHIRE = load_partnership(DEFAULT_FOLDER)
OXFORDSHIRE_DISTRICTS = OXFORDSHIRE.districts

KNOWN = {
    "OX4 4HH": "Oxford",
    "OX16 0BZ": "Cherwell",
    "OX20 1XS": "West Oxfordshire",
    "OX14 3JE": "Vale of White Horse",
    "OX10 7LA": "South Oxfordshire",
    "RG9 1AA": "South Oxfordshire",  # Henley: in the county, outside the OX area
}


def test_the_map_has_the_five_districts_each_one_outline_with_its_label_inside():
    frame = geometry()
    assert [d.name for d in frame.districts] == sorted(OXFORDSHIRE_DISTRICTS)
    assert len(frame.wards) == 137
    # About 59 by 79 km of the OS grid, in hectometres.
    assert (frame.width, frame.height) == (591, 786)
    for district in frame.districts:
        assert district.contains(*district.label), district.name
        for x, y in (point for ring in district.rings for point in ring):
            assert 0 <= x <= frame.width and 0 <= y <= frame.height


@pytest.mark.parametrize(("postcode", "district"), KNOWN.items())
def test_a_known_postcodes_dot_lies_inside_its_districts_outline_and_no_other(postcode, district):
    county = dot_map("m", "Where", "supplier", [(postcode, postcode)])
    (dot,) = county.dots
    assert dot.label == postcode
    inside = [d.name for d in geometry().districts if d.contains(dot.x, dot.y)]
    assert inside == [district]
    assert dict(county.counts)[district] == 1


def test_a_dot_is_the_postcodes_point_to_the_nearest_100_metres():
    assert locate_postcode("ox44hh") == GridPoint(453292, 203887)
    (dot,) = dot_map("m", "Where", "need", [("A", "ox44hh")]).dots
    frame = geometry()
    assert (dot.x, dot.y) == (4533 - frame.west, frame.north - 2039)


def test_results_at_one_postcode_share_one_bigger_dot_that_names_them_all():
    point = "OX16 0BZ"
    county = dot_map("m", "Where", "need", [("A", point), ("B", point), ("C", point), ("D", "")])
    (dot,) = county.dots
    assert dot.label == "3 at this postcode: A; B; C"
    assert dot.radius == 12  # 7 * sqrt(3): its area grows with the number
    assert dict(county.counts)["Cherwell"] == 3
    assert "(3 of 4;" in county.description


def test_places_outside_the_county_or_unknown_are_counted_but_not_drawn():
    county = dot_map(
        "m",
        "Where",
        "supplier",
        [
            ("Oxford firm", "OX4 4HH"),
            ("London firm", "SW1A 1AA"),
            ("Not in Code-Point", "OX4 9ZZ"),
            ("Not a postcode", ""),
        ],
    )
    assert [dot.label for dot in county.dots] == ["Oxford firm"]
    assert dict(county.counts) == {
        **dict.fromkeys(OXFORDSHIRE_DISTRICTS, 0),
        "Oxford": 1,
        "Outside Oxfordshire (not drawn)": 1,
        NOWHERE: 2,
    }
    assert "(1 of 4;" in county.description
    assert "Oxford: 1; South Oxfordshire: 0" in county.description


def test_the_table_of_a_dot_map_leaves_out_empty_rows_that_are_not_districts():
    county = dot_map("m", "Where", "supplier", [("A", "OX16 0BZ")])
    assert [name for name, _ in county.counts] == list(OXFORDSHIRE_DISTRICTS)


def test_districts_are_shaded_by_their_number_and_the_description_says_each():
    county = shaded_map(
        "m", "Outcomes", "verified outcome", {"Oxford": 8, "Cherwell": 1, "Elsewhere": 3}
    )
    shades = {s.outline.name: (s.number, s.shade) for s in county.districts}
    assert shades == {
        "Cherwell": (1, 1),
        "Oxford": (8, SHADES),
        "South Oxfordshire": (0, 0),
        "Vale of White Horse": (0, 0),
        "West Oxfordshire": (0, 0),
    }
    assert "Cherwell: 1 verified outcome; Oxford: 8 verified outcomes;" in county.description
    assert [band.text for band in county.legend] == ["None", "1 to 2", "3 to 4", "5 to 6", "7 to 8"]


def test_a_key_never_shows_a_shade_that_stands_for_no_whole_number():
    assert [band.text for band in legend(1)] == ["None", "1"]
    assert [(band.shade, band.text) for band in legend(2)] == [(0, "None"), (2, "1"), (4, "2")]
    assert [band.text for band in legend(0)] == ["None"]


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_every_number_gets_the_shade_whose_key_covers_it(largest, data):
    number = data.draw(st.integers(min_value=0, max_value=largest))
    shade = shade_of(number, largest)
    band = next(band for band in legend(largest) if band.shade == shade)
    low, _, high = band.text.partition(" to ")
    if band.text == "None":
        assert number == 0
    else:
        assert int(low) <= number <= int(high or low)


def test_priority_places_are_outlined_by_their_wards_and_places_without_wards_are_named():
    county = shaded_map(
        "m",
        "Outcomes",
        "verified outcome",
        {},
        [
            ("Blackbird Leys", ["Blackbird Leys"]),
            ("The Leys", ["Blackbird Leys", "Northfield Brook"]),
            ("By postcode", []),
        ],
    )
    assert [outline.name for outline in county.places] == ["Blackbird Leys", "Northfield Brook"]
    assert "outlined by their 2013 wards: Blackbird Leys, The Leys." in county.description
    assert "with no wards, not drawn: By postcode." in county.description


def test_an_outline_is_one_closed_relative_path_per_ring():
    oxford = next(d for d in geometry().districts if d.name == "Oxford")
    path = oxford.path
    assert path.count("M") == path.count("z") == len(oxford.rings)
    steps = re.findall(r"-?\d+", path.split("l", 1)[1].split("z", 1)[0])
    x, y = oxford.rings[0][0]
    for dx, dy in zip(steps[::2], steps[1::2], strict=True):
        x, y = x + int(dx), y + int(dy)
    assert (x, y) == oxford.rings[0][-1]


def test_the_committed_map_is_what_the_build_script_makes_from_the_wards():
    script = Path(__file__).resolve().parents[2] / "scripts" / "build_map.py"
    spec = importlib.util.spec_from_file_location("build_map", script)
    build_map = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(build_map)  # type: ignore[union-attr]

    wards = json.loads(OXFORDSHIRE.file("wards").read_text(encoding="utf-8"))
    built = json.dumps(build_map.build(wards), separators=(",", ":"))

    assert built == OXFORDSHIRE.file("map").read_text(encoding="utf-8")


def test_an_enlarged_district_shows_its_own_box_and_only_its_priority_wards():
    county = shaded_map(
        "impact-map",
        "Outcomes",
        "verified outcome",
        {"Oxford": 2},
        [("The Leys", ["Blackbird Leys", "Northfield Brook"]), ("Berinsfield", ["Berinsfield"])],
    )

    oxford = enlarged(county, "Oxford")

    outline = next(d for d in geometry().districts if d.name == "Oxford")
    xs = [x for ring in outline.rings for x, _ in ring]
    ys = [y for ring in outline.rings for _, y in ring]
    left, top = min(xs) - 10, min(ys) - 10
    assert oxford.view_box == f"{left} {top} {max(xs) + 10 - left} {max(ys) + 10 - top}"
    assert county.view_box == f"0 0 {county.width} {county.height}"
    assert [place.name for place in oxford.places] == ["Blackbird Leys", "Northfield Brook"]
    shades = {(d.outline.name, d.number, d.shade) for d in county.districts}
    assert {(d.outline.name, d.number, d.shade) for d in oxford.districts} <= shades
    assert (oxford.id, oxford.title) == ("impact-map-oxford", "Oxford, enlarged")
    assert "priority places, outlined: Blackbird Leys, Northfield Brook." in oxford.description
    assert county.labelled and not oxford.labelled


def test_an_enlarged_district_draws_only_what_lies_in_its_box():
    """A neighbour drawn whole would reach far beyond the SVG's box: hidden, but laid out
    over the text around the map, whose contrast axe-core then cannot measure."""
    county = shaded_map("impact-map", "Outcomes", "verified outcome", {"Oxford": 2})

    oxford = enlarged(county, "Oxford")

    left, top, width, height = (int(number) for number in oxford.view_box.split())
    for district in oxford.districts:
        for ring in district.outline.rings:
            assert all(left <= x <= left + width and top <= y <= top + height for x, y in ring)
    whole = next(d for d in geometry().districts if d.name == "Oxford")
    drawn = {d.outline.name: d.outline for d in oxford.districts}
    assert drawn["Oxford"].rings == whole.rings  # its own outline is untouched
    assert "West Oxfordshire" not in drawn  # nothing of it within a kilometre of Oxford
    assert not any(d.outline.label for d in oxford.districts)


def test_a_ring_is_cut_where_it_crosses_the_box_and_dropped_if_outside():
    square = ((0, 0), (10, 0), (10, 10), (0, 10))

    cut = clip_ring(square, (5, -5, 20, 10))
    assert sorted(cut) == [(5, 0), (5, 5), (10, 0), (10, 5)] and len(cut) == 4
    assert clip_ring(square, (-1, -1, 12, 12)) == square
    assert clip_ring(square, (20, 20, 5, 5)) == ()
    assert sorted(clip_ring(((0, 0), (10, 10), (0, 10)), (0, 0, 10, 5))) == [(0, 0), (0, 5), (5, 5)]
