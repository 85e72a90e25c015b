"""A table wider than a phone scrolls sideways inside its box; without keyboard focus and a
name that box cannot be scrolled or found by a keyboard or screen reader user (axe:
scrollable-region-focusable). Every table that can overflow sits in the one macro's box,
scroll_region (templates/macros/tables.html); none is boxed by hand."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from flask.testing import FlaskClient

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MACRO = "macros/tables.html"
TABLE = re.compile(r"<table\b[^>]*>")
# The table's opening tag straight after the macro's box.
IN_A_BOX = re.compile(r"<div \{\{ scroll_region\([^}]*\) \}\}>\s*$")
# Two narrow columns, a name and a number, never wider than a phone: (template, a class or
# id of the table).
NARROW = {
    ("macros/maps.html", "map-table"),
    ("plan/_funding.html", "funding-summary"),
    ("review/dashboard.html", "declines-table"),
}


def _tables() -> Iterator[tuple[str, str, str]]:
    """(template, the table's opening tag, the template's text before it) for every table."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name == MACRO:
            continue
        text = path.read_text(encoding="utf-8")
        for table in TABLE.finditer(text):
            yield name, table.group(0), text[: table.start()]


def _narrow(name: str, tag: str) -> bool:
    return any(name == template and marker in tag for template, marker in NARROW)


def test_every_table_that_can_overflow_scrolls_in_the_named_focusable_box():
    unboxed = [
        f"{name}: {tag}"
        for name, tag, before in _tables()
        if not IN_A_BOX.search(before) and not _narrow(name, tag)
    ]

    assert unboxed == [], "tables outside scroll_region:\n" + "\n".join(unboxed)


def test_no_template_boxes_a_table_by_hand():
    by_hand = [
        path.relative_to(TEMPLATES).as_posix()
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.relative_to(TEMPLATES).as_posix() != MACRO
        and "table-responsive" in path.read_text(encoding="utf-8")
    ]

    assert by_hand == []


def test_an_organisations_members_scroll_in_a_box_named_for_them(client_for):
    client: FlaskClient = client_for("supplier")

    html = client.get(f"/organisations/{client.organisation_id}").get_data(as_text=True)

    boxes = re.findall(r'<div class="table-responsive"[^>]*>', html)
    assert len(boxes) == 1
    assert 'tabindex="0"' in boxes[0] and 'role="region"' in boxes[0]
    assert re.search(r'aria-label="Members of .+ \(scrolls sideways on a small screen\)"', boxes[0])
