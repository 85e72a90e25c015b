"""The dashboard's figures on the known world (tests/helpers/review.py), stated by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from brokerage.review.dashboard import build_dashboard
from brokerage.review.figures import Filters
from tests.helpers.review import ReviewWorld


def _dashboard(app, **filters):
    with app.app_context():
        return build_dashboard(Filters(**filters))


def test_the_funnel_counts_matches_that_reached_each_step_from_their_history(app, review_world):
    found = _dashboard(app)
    assert [(s.label, s.count) for s in found.funnel] == [
        ("Suggested", 5),
        ("Interest expressed", 3),
        ("In discussion", 2),
        ("Agreed", 2),
        ("Delivered", 2),
        ("Verified", 1),
    ]
    assert [None if s.conversion is None else round(s.conversion, 2) for s in found.funnel] == [
        None, 0.6, 0.67, 1.0, 1.0, 0.5,
    ]  # fmt: skip


def test_verified_value_counts_only_the_verified_outcome_in_units(app, review_world):
    found = _dashboard(app)
    assert [(t.label, len(t.outcomes), t.units_text, t.pence) for t in found.by_theme] == [
        ("Healthier, Safer and more Resilient Communities", 1, "10 hours", None)
    ]
    assert [(t.label, t.units_text) for t in found.by_district] == [("Oxford", "10 hours")]


def test_acceptance_by_score_band_is_the_share_of_suggested_matches_agreed(app, review_world):
    found = _dashboard(app)
    assert [(b.label, b.part, b.whole) for b in found.acceptance] == [
        ("0.0–0.2", 0, 1),
        ("0.2–0.4", 0, 1),
        ("0.4–0.6", 0, 1),
        ("0.6–0.8", 1, 1),
        ("0.8–1.0", 1, 1),
    ]


def test_decline_reasons_needs_picked_up_and_time_to_agreement(app, review_world):
    found = _dashboard(app)
    assert found.declines == [("Too far away", 1)]
    assert (found.needs.part, found.needs.whole) == (1, 2)
    assert found.agreed_count == 2
    assert found.median_days == 0.0


def test_a_late_answer_does_not_count_towards_the_response_rate(app, review_world):
    """Supplier A answered both interests at once; supplier B answered ten days late."""
    found = _dashboard(app)
    assert [(r.label, r.part, r.whole) for r in found.responses] == [
        ("Leys Cleaning", 0, 1),
        ("Thames Valley Print", 2, 2),
    ]


@pytest.mark.parametrize(
    ("filters", "suggested", "verified"),
    [
        ({"supplier_id": "supplier_b"}, 3, 0),
        ({"buyer_id": "buyer"}, 2, 0),
        ({"buyer_id": "beneficiary"}, 3, 1),
        ({"theme": "Promote Local Skills and Employment"}, 2, 0),
        ({"district": "Cherwell"}, 0, 0),
        ({"date_from": 1}, 0, 0),
        ({"date_to": -1}, 1, 0),
    ],
)
def test_filters_narrow_every_figure(app, review_world: ReviewWorld, filters, suggested, verified):
    for key in ("supplier_id", "buyer_id"):
        if key in filters:
            filters[key] = review_world.organisations[filters[key]]
    for key in ("date_from", "date_to"):
        if key in filters:  # days from today, turned into a date when run, not when collected
            filters[key] = date.today() + timedelta(days=filters[key])
    found = _dashboard(app, **filters)
    assert found.matches == suggested
    assert sum(len(t.outcomes) for t in found.by_theme) == verified
