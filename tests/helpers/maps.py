"""Reading the county map a page draws on the server (the directory's, the impact page's)."""

from __future__ import annotations

import re

# What a map may weigh in a page: it is inline SVG, sent with every page that shows it.
MAX_SVG_BYTES = 60 * 1024


def map_svg(html: str) -> str:
    """The map's SVG in a page."""
    found = re.search(r'<svg class="map-svg".*?</svg>', html, re.S)
    assert found, "no map on the page"
    return found.group(0)
