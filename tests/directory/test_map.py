"""The county map beside the directory's results: a dot at the postcode of each result on
the page (suppliers; needs on the public needs board), a table of the same numbers, and the
boundaries' attribution; drawn on the server, so it needs no JavaScript."""

from __future__ import annotations

import re
from html import unescape

from tests.helpers.directory import result_names
from tests.helpers.maps import MAX_SVG_BYTES, map_svg

# A postcode in each district (Code-Point Open point inside the district's 2013 wards).
IN_DISTRICT = {
    "OX4 4HH": "Oxford",
    "OX16 0BZ": "Cherwell",
    "OX20 1XS": "West Oxfordshire",
    "OX14 3JE": "Vale of White Horse",
    "OX10 7LA": "South Oxfordshire",
}


def dot_labels(svg: str) -> list[str]:
    """Each dot's title: a result's name, or "2 at this postcode: A; B"."""
    return [unescape(label) for label in re.findall(r"<circle [^>]*><title>([^<]*)</title>", svg)]


def names_on_map(svg: str) -> list[str]:
    return [
        name
        for label in dot_labels(svg)
        for name in re.sub(r"^\d+ at this postcode: ", "", label).split("; ")
    ]


def table_counts(html: str) -> dict[str, int]:
    table = re.search(r'<table class="table table-sm map-table">.*?</table>', html, re.S)
    assert table, "no table beside the map"
    rows = re.findall(r'<th scope="row"[^>]*>([^<]*)</th><td[^>]*>(\d+)</td>', table.group(0))
    return {unescape(name): int(count) for name, count in rows}


def test_each_supplier_on_the_page_is_a_dot_and_the_table_counts_them_by_district(
    anon, make_supplier
):
    for number, postcode in enumerate([*IN_DISTRICT, "OX4 4HH"]):
        make_supplier(f"Firm {number} in {postcode}", postcode=postcode)

    html = anon.get("/directory/suppliers").get_data(as_text=True)

    svg = map_svg(html)
    assert sorted(names_on_map(svg)) == sorted(result_names(html))
    assert len(result_names(html)) == 6
    # The two at OX4 4HH share one dot, bigger than the rest.
    assert len(dot_labels(svg)) == 5
    assert "2 at this postcode: Firm 0 in OX4 4HH; Firm 5 in OX4 4HH" in dot_labels(svg)
    assert sorted(re.findall(r'r="(\d+)"', svg)) == ["10", "7", "7", "7", "7"]
    assert table_counts(html) == {
        "Cherwell": 1,
        "Oxford": 2,
        "South Oxfordshire": 1,
        "Vale of White Horse": 1,
        "West Oxfordshire": 1,
    }
    assert 'role="img"' in svg and 'aria-labelledby="suppliers-map-title suppliers-map-desc"' in svg
    assert '<title id="suppliers-map-title">Where the suppliers on this page are</title>' in svg
    assert "Oxford: 2; South Oxfordshire: 1" in svg  # the description says the same
    assert "Martin Chorley" in html and "Crown copyright" in html and "2013 wards" in html
    assert "style=" not in html and "<script>" not in html


def test_a_supplier_outside_the_county_is_counted_but_not_drawn(anon, make_supplier):
    make_supplier("Oxford Firm", postcode="OX4 4HH")
    make_supplier("London Firm", postcode="SW1A 1AA")

    html = anon.get("/directory/suppliers").get_data(as_text=True)

    assert dot_labels(map_svg(html)) == ["Oxford Firm"]
    assert table_counts(html)["Outside Oxfordshire (not drawn)"] == 1


def test_a_full_page_of_results_draws_the_county_in_under_60_kb(anon, make_supplier):
    postcodes = list(IN_DISTRICT)
    for number in range(25):
        make_supplier(f"Supplier number {number} of Oxfordshire", postcode=postcodes[number % 5])

    html = anon.get("/directory/suppliers").get_data(as_text=True)

    svg = map_svg(html)
    assert len(names_on_map(svg)) == 20  # one page of results, at five postcodes
    assert len(dot_labels(svg)) == 5
    assert len(svg.encode()) < MAX_SVG_BYTES
    assert svg.count("<path") == 5


def test_the_needs_board_shows_published_needs_as_dots_and_never_drafts(
    anon, make_need_or_opportunity
):
    make_need_or_opportunity("need", "Reading volunteers", postcode="OX16 0BZ")
    make_need_or_opportunity("need", "Secret draft", status="draft", postcode="OX4 4HH")

    html = anon.get("/directory/needs").get_data(as_text=True)

    assert dot_labels(map_svg(html)) == ["Reading volunteers"]
    assert table_counts(html)["Cherwell"] == 1 and table_counts(html)["Oxford"] == 0
    assert "Secret draft" not in html


def test_no_results_no_map(anon):
    html = anon.get("/directory/suppliers?q=zzzzqqq").get_data(as_text=True)

    assert "map-svg" not in html
