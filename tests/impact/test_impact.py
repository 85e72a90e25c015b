"""The public impact page, its CSV and GET /api/v1/impact: verified outcomes only, no
personal data; and the case studies staff choose for it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.impact.models import CaseStudy
from brokerage.matches.models import Match
from brokerage.workflow.moves import advance
from brokerage.workflow.states import State
from tests.helpers.review import EVIDENCE, MESSAGE, ReviewWorld, deliver_m5_at_a_proxy_value
from tests.helpers.web import post_form

PUBLIC = ("/impact", "/impact.csv", "/api/v1/impact")


def test_the_public_page_counts_only_the_verified_outcome(review_client, review_world):
    html = review_client("anon").get("/impact").get_data(as_text=True)
    assert re.search(r'id="impact-matches">1<', html)
    assert re.search(r'id="impact-organisations">2<', html)
    assert re.search(r'id="impact-units">10 hours<', html)
    assert "15 hours" not in html and "5 hours" not in html  # m2 is not verified
    assert "Healthier, Safer and more Resilient Communities" in html
    assert html.count('role="img"') == 4 and "style=" not in html


def test_the_api_gives_the_same_figures_without_a_token(review_client, review_world):
    response = review_client("anon").get("/api/v1/impact")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["verified_matches"], body["organisations"]) == (1, 2)
    assert body["total"]["units"] == [{"unit": "hours", "quantity": "10"}]
    assert body["total"]["value_pence"] is None
    assert [t["label"] for t in body["by_district"]] == ["Oxford"]
    assert [t["outcomes"] for t in body["by_year"]] == [1]


def test_the_csv_gives_the_same_figures(review_client, review_world):
    text = review_client("anon").get("/impact.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    totals = [row for row in rows if row[0] == "Total"]
    assert totals == [["Total", "All verified outcomes", "1", "hours", "10", ""]]


@pytest.mark.parametrize("path", PUBLIC)
def test_nothing_personal_reaches_the_public(app, review_client, review_world: ReviewWorld, path):
    with app.app_context():
        db.session.add(
            CaseStudy(match_id=review_world.matches["m1"], text="Helpers read weekly.", shown=True)
        )
        db.session.commit()
    text = review_client("anon").get(path).get_data(as_text=True)
    assert path == "/impact.csv" or "Helpers read weekly." in text
    for secret in (
        EVIDENCE,
        "Jane Secret",
        MESSAGE,
        "Sorry for the wait",
        *review_world.emails.values(),
    ):
        assert secret not in text
    for person in ("Supplier_A Person", "Beneficiary Person", "Task_Force Person"):
        assert person not in text


def test_a_proxy_value_shows_the_verified_value_in_pounds(
    app, review_client, review_world: ReviewWorld
):
    """The value is fixed when a delivery is recorded: m1's stays in units only, m5's,
    delivered after staff added a proxy value, counts in £ once verified."""
    with app.app_context():
        match = deliver_m5_at_a_proxy_value(review_world)
        advance(match, State.VERIFIED, review_world.user("task_force"))
        db.session.commit()
    body = review_client("anon").get("/api/v1/impact").get_json()
    assert (body["total"]["value_pence"], body["total"]["units"]) == (
        4500, [{"unit": "hours", "quantity": "13"}]
    )  # fmt: skip
    html = review_client("anon").get("/impact").get_data(as_text=True)
    assert re.search(r'id="impact-pounds">£45<', html)


def _case_study(client, review_world: ReviewWorld, key: str, **data):
    return post_form(
        client,
        f"/review/outcomes/{review_world.matches[key]}/case-study",
        {"shown": "y", "text": "Reading helpers in ARCh's schools.", **data},
        page="/account",
    )


def test_staff_choose_a_verified_outcome_as_a_case_study(review_client, review_world: ReviewWorld):
    response = _case_study(review_client("staff"), review_world, "m1")
    assert response.status_code == 302
    html = review_client("anon").get("/impact").get_data(as_text=True)
    assert "Reading helpers in ARCh&#39;s schools." in html
    assert "Reading volunteers for Reading helpers" in html
    assert "Thames Valley Print with ARCh Oxfordshire" in html


def test_a_hidden_case_study_leaves_the_public_page(review_client, review_world: ReviewWorld):
    staff = review_client("staff")
    _case_study(staff, review_world, "m1")
    _case_study(staff, review_world, "m1", shown="")
    html = review_client("anon").get("/impact").get_data(as_text=True)
    assert "Reading helpers in ARCh" not in html


def test_an_unverified_outcome_cannot_be_a_case_study(
    review_client, in_app, review_world: ReviewWorld
):
    response = _case_study(review_client("staff"), review_world, "m2")
    assert response.status_code == 302
    assert in_app(lambda: db.session.scalar(select(func.count(CaseStudy.id)))) == 0


@pytest.mark.parametrize("text", ["", "x" * 601, "bad\x00byte"])
def test_bad_case_study_text_is_a_400_with_a_field_error(review_client, in_app, review_world, text):
    response = _case_study(review_client("staff"), review_world, "m1", text=text)
    assert response.status_code == 400
    assert 'id="text-error"' in response.get_data(as_text=True)
    assert in_app(lambda: db.session.scalar(select(func.count(CaseStudy.id)))) == 0


@pytest.mark.parametrize("who", ["task_force", "supplier_a", "beneficiary"])
def test_only_staff_choose_case_studies(review_client, in_app, review_world, who):
    client = review_client(who)
    assert (
        client.get(f"/review/outcomes/{review_world.matches['m1']}/case-study").status_code == 403
    )
    assert _case_study(client, review_world, "m1").status_code == 403
    assert in_app(lambda: db.session.scalar(select(func.count(CaseStudy.id)))) == 0


def test_a_case_study_of_a_match_no_longer_verified_is_not_shown(app, review_client, review_world):
    _case_study(review_client("staff"), review_world, "m1")
    with app.app_context():
        db.session.get(Match, review_world.matches["m1"]).state = State.DECLINED.value
        db.session.commit()
    html = review_client("anon").get("/impact").get_data(as_text=True)
    assert "Reading helpers in ARCh" not in html
    assert re.search(r'id="impact-matches">0<', html)
