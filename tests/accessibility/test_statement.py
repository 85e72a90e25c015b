"""The accessibility statement: public, linked from every page's footer, and it names the
standard, how the site is tested, the known gaps and whom to write to."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.pages import page_text


def test_the_accessibility_statement_is_public(anon: FlaskClient):
    response = anon.get("/accessibility")

    assert response.status_code == 200
    text = page_text(response)
    assert "(WCAG) 2.2" in text and "level AA" in text


@pytest.mark.parametrize(
    "heading",
    ["The standard we aim for", "How we test it", "What we know is not yet right"],
)
def test_the_statement_says_what_it_aims_for_how_it_is_tested_and_what_is_missing(
    anon: FlaskClient, heading: str
):
    assert heading in page_text(anon.get("/accessibility"))


def test_the_statement_names_the_partnerships_address(anon: FlaskClient, app: Flask):
    html = anon.get("/accessibility").get_data(as_text=True)

    assert f'href="mailto:{app.config["CONTACT_EMAIL"]}"' in html


@pytest.mark.parametrize("path", ["/", "/privacy", "/accessibility", "/impact", "/login"])
def test_every_page_links_to_the_statement_from_its_footer(anon: FlaskClient, path: str):
    html = anon.get(path).get_data(as_text=True)

    footer = html[html.index("<footer") :]
    assert 'href="/accessibility"' in footer


def test_a_signed_out_visitor_reads_what_toms_are_where_they_first_meet_them(anon: FlaskClient):
    text = page_text(anon.get("/impact"))

    assert "What are TOMs? Themes, Outcomes and Measures" in text
    assert "create an account" in text
