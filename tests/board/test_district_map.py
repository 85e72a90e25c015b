"""The board report draws the brokerage's verified outcomes by district on the area's map,
as the impact page does: on the page and in the PDF (WeasyPrint draws the inline SVG)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from html import unescape

import pytest

from brokerage.board.quarters import quarter_of

SHADED = re.compile(r'class="map-district map-shade-(\d)"')


def _map_description(html: str) -> str:
    match = re.search(r'<desc id="board-map-desc">(.*?)</desc>', html)
    assert match, "no district map on the board report"
    return unescape(match.group(1))


def test_the_map_shades_the_district_of_the_quarters_verified_outcome(staff, review_world):
    quarter = quarter_of(date.today())

    html = staff.get(f"/plan/report?quarter={quarter.label}").get_data(as_text=True)

    description = _map_description(html)
    assert "A map of Oxfordshire’s five districts shaded by verified outcomes." in description
    assert "Oxford: 1 verified outcome;" in description
    assert "Cherwell: 0 verified outcomes;" in description
    assert sorted(SHADED.findall(html)) == ["0", "0", "0", "0", "4"]


def test_a_quarter_with_nothing_verified_leaves_every_district_unshaded(staff, review_world):
    quarter = quarter_of(date.today()).previous()

    html = staff.get(f"/plan/report?quarter={quarter.label}").get_data(as_text=True)

    assert "Oxford: 0 verified outcomes;" in _map_description(html)
    assert SHADED.findall(html) == ["0"] * 5


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler's pdftotext")
def test_the_pdf_draws_the_map_with_every_districts_name(staff, review_world):
    quarter = quarter_of(date.today())
    pdf = staff.get(f"/plan/report.pdf?quarter={quarter.label}").data

    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()

    # Only Oxford has an outcome, so only the map's labels name the other four.
    for district in ("Cherwell", "South Oxfordshire", "Vale of White Horse", "West Oxfordshire"):
        assert district in text
    assert "Key: verified outcomes in the quarter" in text
