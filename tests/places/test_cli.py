"""`flask places lookup POSTCODE`: one JSON object, or a clear error."""

from __future__ import annotations

import json

import pytest

from brokerage.extensions import db
from brokerage.places import service


@pytest.fixture
def reference_places(app) -> None:
    with app.app_context():
        service.load_reference_priority_places()
        db.session.commit()


def test_lookup_prints_the_postcode_district_ward_and_places(app, reference_places):
    result = app.test_cli_runner().invoke(args=["places", "lookup", "ox4 6ae"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "postcode": "OX4 6AE",
        "district": "Oxford",
        "ward": "Blackbird Leys",
        "priority_places": ["Blackbird Leys", "The Leys"],
    }


def test_lookup_of_a_postcode_in_no_place_lists_none(app, reference_places):
    result = app.test_cli_runner().invoke(args=["places", "lookup", "OX2 7PA"])

    assert json.loads(result.output)["ward"] == "Summertown"
    assert json.loads(result.output)["priority_places"] == []


@pytest.mark.parametrize(
    ("postcode", "error"),
    [
        ("SW1A 1AA", "SW1A 1AA is outside the partnership's postcode areas (OX)."),
        ("OX99 9ZZ", "We could not find OX99 9ZZ."),
        ("not one", "is not a UK postcode"),
    ],
)
def test_lookup_of_a_bad_postcode_is_a_clear_error(app, postcode, error):
    result = app.test_cli_runner().invoke(args=["places", "lookup", postcode])

    assert result.exit_code == 1
    assert error in result.output
