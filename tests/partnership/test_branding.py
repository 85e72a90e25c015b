"""Issue 20 point 6: a second partnership's pages wear its own colours, from [branding] in
its partnership.toml, and its charts' bars too."""

from __future__ import annotations

from flask import Flask, render_template_string
from flask.testing import FlaskClient

from brokerage.charts import bar_chart
from tests.helpers.pages import partnership_stylesheet

EXAMPLESHIRE_COLOURS = {
    "--brand": "#2d6a4f",
    "--brand-dark": "#1b4332",
    "--accent": "#ffe066",
    "--hero": "#e6f4ea",
}


def test_exampleshire_pages_get_exampleshires_colours(anon: FlaskClient):
    _, response = partnership_stylesheet(anon)

    sheet = response.get_data(as_text=True)
    for name, colour in EXAMPLESHIRE_COLOURS.items():
        assert f"{name}: {colour};" in sheet
    assert "#1d4f6e" not in sheet


def test_exampleshires_charts_draw_their_bars_in_its_brand_colour(app: Flask):
    """The bars carry the colour as an attribute too: WeasyPrint, drawing the board report's
    PDF, applies no stylesheet inside an inline SVG."""
    chart = bar_chart("outcomes", "Verified outcomes", [("Mentoring", 3, "3 outcomes")])

    with app.test_request_context():
        drawn = render_template_string(
            '{% from "macros/charts.html" import bar_chart %}{{ bar_chart(chart) }}', chart=chart
        )

    assert 'class="chart-bar" fill="#2d6a4f"' in drawn
    assert "#1d4f6e" not in drawn
