"""On a phone the directory's filters fold behind one button (a <details>, no JavaScript),
so the results come before twelve filters; a search that chose filters shows them open."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

DETAILS = re.compile(r'<details class="directory-filters[^"]*"( open)?>\s*<summary[^>]*>([^<]*)<')


def test_the_directory_filters_are_folded_behind_a_button(supplier: FlaskClient):
    html = supplier.get("/directory/suppliers").get_data(as_text=True)

    found = DETAILS.search(html)
    assert found and found.group(1) is None and found.group(2).strip() == "Filters"
    folded = html[found.start() : html.index("</details>", found.start())]
    assert 'name="sort"' in folded and 'name="vcse"' in folded
    assert 'name="q"' not in folded, "the search box stays outside the fold"


def test_chosen_filters_are_shown_open_with_their_count(supplier: FlaskClient):
    html = supplier.get("/directory/suppliers?q=&vcse=y&living_wage=y").get_data(as_text=True)

    found = DETAILS.search(html)
    assert found and found.group(1) == " open"
    assert found.group(2).strip() == "Filters (2 chosen)"
