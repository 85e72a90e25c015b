"""The dashboard page (its filters in the URL, validated), and its exports with the
filters applied and formula cells neutralised."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from brokerage.extensions import db
from brokerage.listings.models import Offer
from tests.helpers.review import ReviewWorld


def test_the_dashboard_shows_the_figures_beside_charts_and_tables(review_client, review_world):
    html = review_client("task_force").get("/review/dashboard").get_data(as_text=True)
    assert re.search(r'id="figure-matches">5<', html)
    assert re.search(r'id="figure-verified">1<', html)
    funnel = html.split('id="funnel-table"')[1].split("</table>")[0]
    assert re.findall(r'<td class="text-end">(\d+)</td>', funnel) == ["5", "3", "2", "2", "2", "1"]
    assert "60%" in funnel and "67%" in funnel
    assert html.count('role="img"') == 7  # six of matches, one of contract spend
    assert '<desc id="chart-funnel-desc">Suggested: 5; Interest expressed: 3 (60% of' in html
    assert "Too far away" in html
    assert "style=" not in html and "<script>" not in html


def test_filters_stay_in_the_url_and_in_the_export_links(review_client, review_world: ReviewWorld):
    supplier = review_world.organisations["supplier_b"]
    html = (
        review_client("task_force")
        .get(f"/review/dashboard?supplier={supplier}")
        .get_data(as_text=True)
    )
    assert re.search(r'id="figure-matches">3<', html)
    assert f"/review/export/matches.csv?supplier={supplier}" in html
    assert f'<option selected value="{supplier}">Leys Cleaning</option>' in html


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        ("date_from=yesterday", "date_from", "Not a valid date value."),
        ("date_to=2024-02-30", "date_to", "Not a valid date value."),
        ("date_from=2024-05-01&date_to=2024-04-01", "date_to", "cannot be before its start"),
        ("theme=Not+a+theme", "theme", "Not a valid choice."),
        ("district=Atlantis", "district", "Not a valid choice."),
        ("priority_place=Nowhere", "priority_place", "Not a valid choice."),
        ("buyer=999999", "buyer", "Not a valid choice."),
        ("supplier=%3Cscript%3E", "supplier", "Not a valid choice."),
    ],
)
def test_bad_filters_are_a_400_with_field_errors(review_client, review_world, query, field, error):
    client = review_client("task_force")
    for path in ("/review/dashboard", "/review/export/outcomes.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert f'id="{field}-error"' in html and error in html
        assert 'id="funnel-table"' not in html


def test_an_unknown_table_or_format_is_not_found(review_client, review_world):
    client = review_client("task_force")
    assert client.get("/review/export/people.csv").status_code == 404
    assert client.get("/review/export/matches.pdf").status_code == 404


def _rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_match_export_applies_the_filters(review_client, review_world: ReviewWorld):
    client = review_client("task_force")
    rows = _rows(client.get("/review/export/matches.csv"))
    assert rows[0][:3] == ["Match", "Offer", "Supplier"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(review_world.matches.values())
    only_b = _rows(
        client.get(
            f"/review/export/matches.csv?supplier={review_world.organisations['supplier_b']}"
        )
    )
    assert {r[2] for r in only_b[1:]} == {"Leys Cleaning"}
    assert len(only_b) == 4


def test_the_outcome_export_lists_each_measure_delivered(review_client, review_world: ReviewWorld):
    rows = _rows(review_client("staff").get("/review/export/outcomes.csv"))
    got = sorted((int(r[0]), r[1], r[7], r[9], r[10], r[11]) for r in rows[1:])
    assert got == sorted(
        [
            (review_world.matches["m1"], "Verified", "OIEP-S6", "10", "hours", ""),
            (review_world.matches["m2"], "Delivered", "OIEP-S6", "5", "hours", ""),
        ]
    )


@pytest.fixture
def formula_title(app, review_world: ReviewWorld) -> str:
    title = '=HYPERLINK("http://evil.example","click")'
    with app.app_context():
        db.session.scalars(
            select(Offer).where(Offer.title == "Reading volunteers")
        ).one().title = title
        db.session.commit()
    return title


def test_formula_cells_are_neutralised_in_csv(review_client, review_world, formula_title):
    rows = _rows(review_client("task_force").get("/review/export/matches.csv"))
    assert "'" + formula_title in [r[1] for r in rows]
    assert formula_title not in [r[1] for r in rows]


def test_formula_cells_are_text_in_xlsx(review_client, review_world, formula_title):
    response = review_client("task_force").get("/review/export/matches.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c for c in sheet["B"] if c.value == formula_title]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_an_empty_partnership_shows_empty_charts_not_an_error(task_force, anon):
    html = task_force.get("/review/dashboard").get_data(as_text=True)
    assert re.search(r'id="figure-matches">0<', html)
    assert "Nothing to show yet." in html
    assert "Nothing is waiting for verification." in task_force.get("/review/").get_data(
        as_text=True
    )
    public = anon.get("/impact").get_data(as_text=True)
    assert re.search(r'id="impact-matches">0<', public) and "Nothing verified yet." in public


@pytest.mark.parametrize("table", ["matches", "outcomes"])
def test_the_exports_give_each_listings_ref_and_partner_ref(
    app, review_client, review_world, table
):
    with app.app_context():
        offer = db.session.scalars(select(Offer).where(Offer.title == "Reading volunteers")).one()
        offer.external_ref = "READ-1"
        offer_ref = offer.ref
        db.session.commit()

    rows = _rows(review_client("task_force").get(f"/review/export/{table}.csv"))

    assert rows[0][-4:] == [
        "Offer ref",
        "Offer partner ref",
        "Opportunity or need ref",
        "Opportunity or need partner ref",
    ]
    refs = {tuple(row[-4:-2]) for row in rows[1:]}
    assert (offer_ref, "READ-1") in refs
    assert all(re.fullmatch(r"(NEED|OPP)-\d+", row[-2]) and row[-1] == "" for row in rows[1:])
