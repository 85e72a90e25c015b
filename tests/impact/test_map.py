"""The impact page's county map: districts shaded by verified outcomes, the priority places
outlined by their wards, the table beside it with the same numbers, the attribution
beneath; drawn on the server, under 60 KB."""

from __future__ import annotations

import re
from html import unescape

import pytest

from brokerage.extensions import db
from brokerage.places import service as places
from brokerage.places.wards import ward_named
from tests.helpers.maps import MAX_SVG_BYTES, map_svg


@pytest.fixture
def reference_places(app) -> int:
    """The nine reference priority places; how many wards they are made of (Blackbird Leys
    is a place and part of the Leys: one ward)."""
    with app.app_context():
        places.load_reference_priority_places()
        db.session.commit()
        return len({ward.ward_name for place in places.priority_places() for ward in place.wards})


def district_rows(html: str) -> dict[str, int]:
    table = re.search(r"<caption>Verified social value by district.*?</table>", html, re.S)
    assert table, "no district table beside the map"
    rows = re.findall(
        r'<th scope="row"[^>]*>([^<]*)</th><td class="text-end">(\d+)</td>', table.group(0)
    )
    return {unescape(name): int(outcomes) for name, outcomes in rows}


def district_shades(svg: str) -> list[int]:
    return [int(shade) for shade in re.findall(r'class="map-district map-shade-(\d)"', svg)]


def test_the_district_with_the_verified_outcome_is_shaded_and_the_table_says_the_same(
    review_client, review_world
):
    html = review_client("anon").get("/impact").get_data(as_text=True)

    svg = map_svg(html)
    # Districts in alphabetical order: Cherwell, Oxford, South, Vale, West.
    assert district_shades(svg) == [0, 4, 0, 0, 0]
    assert district_rows(html) == {
        "Cherwell": 0,
        "Oxford": 1,
        "South Oxfordshire": 0,
        "Vale of White Horse": 0,
        "West Oxfordshire": 0,
    }
    assert "Cherwell: 0 verified outcomes; Oxford: 1 verified outcome;" in svg
    assert '<title id="impact-map-title">' in svg and '<desc id="impact-map-desc">' in svg
    assert "Martin Chorley" in html and "Open Government Licence v3.0" in html


def test_the_priority_places_are_outlined_by_their_wards_in_under_60_kb(
    review_client, review_world, reference_places
):
    html = review_client("anon").get("/impact").get_data(as_text=True)

    svg = map_svg(html)
    assert svg.count('class="map-place"') == reference_places == 8
    assert "outlined by their 2013 wards: Banbury Ruscote" in svg
    assert len(svg.encode()) < MAX_SVG_BYTES
    assert "Priority place (its 2013 wards)" in html
    oxford = re.search(
        r'<svg class="map-svg" [^>]*"impact-map-oxford-title.*?</svg>',
        html,
        re.S,
    )
    assert oxford and len(oxford.group(0).encode()) < MAX_SVG_BYTES
    # Six of the nine places are in Oxford, made of five wards: Barton and Sandhills,
    # Blackbird Leys, Littlemore, Northfield Brook, Rose Hill and Iffley.
    assert oxford.group(0).count('class="map-place"') == 5
    assert "<text" not in oxford.group(0)


def test_a_ward_staff_give_a_new_place_is_outlined_too(review_client, review_world, app):
    with app.app_context():
        ward = ward_named("Summertown")
        places.save_priority_place(
            None,
            name="Summertown pilot",
            local_authority="Oxford",
            prefixes=[],
            wards=[ward],
            reason="",
            source="",
            replace_listings=False,
        )
        db.session.commit()

    svg = map_svg(review_client("anon").get("/impact").get_data(as_text=True))

    assert svg.count('class="map-place"') == 1
    assert "outlined by their 2013 wards: Summertown pilot." in svg
