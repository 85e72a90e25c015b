"""The OpenAPI document describes every v1 route, and the API answers as it says: schemathesis
generates requests from the document (valid and invalid) and checks each answer's status,
content type and body against it."""

from __future__ import annotations

import re

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from brokerage.api.views import OPENAPI_FILE
from tests import factories
from tests.helpers.api import bearer

API_PREFIX = "/api/v1"
# The directory search's parameters can be well formed yet unknown (a postcode, a theme, a
# measure code) or need each other (radius_km needs postcode): a 400 the document cannot
# predict, so schema-valid requests to these may be refused.
DATA_DEPENDENT = {"/suppliers", "/needs", "/opportunities"}


def _documented(app) -> set[tuple[str, str]]:
    with app.app_context():
        document = app.test_client().get(f"{API_PREFIX}/openapi.json").get_json()
    return {
        (method.upper(), f"{API_PREFIX}{path}")
        for path, operations in document["paths"].items()
        for method in operations
    }


def _served(app) -> set[tuple[str, str]]:
    return {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_document_describes_every_api_route_and_nothing_else(app):
    assert _documented(app) == _served(app)


def test_the_document_is_public_and_valid_openapi(anon):
    response = anon.get(f"{API_PREFIX}/openapi.json")

    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")


PATHS = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))["paths"]
# Every operation with valid requests; those with parameters with invalid ones too.
CASES = [
    (method.upper(), path, mode)
    for path, operations in PATHS.items()
    for method, operation in operations.items()
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if mode is GenerationMode.POSITIVE or operation.get("parameters")
]


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi(f"{API_PREFIX}/openapi.json", app)


@pytest.fixture
def staff_secret(create, token_for) -> str:
    """A member of staff (who sees every organisation) with one organisation to see."""
    person = create(factories.UserFactory, is_staff=True)
    organisation = create(factories.OrganisationFactory, kind="supplier")
    create(factories.MembershipFactory, user_id=person.id, organisation_id=organisation.id)
    return token_for(person.id)


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES]
)
def test_the_api_answers_as_its_document_says(api_schema, staff_secret, method, path, mode):
    """Valid and invalid requests alike get a documented status and a body of the documented
    shape; never a 500. (Unknown query parameters are ignored rather than refused, so the
    check that every schema-violating request is refused is left out.)"""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def answers_as_documented(case) -> None:
        excluded = [negative_data_rejection]
        if path in DATA_DEPENDENT:
            excluded.append(positive_data_acceptance)
        case.call_and_validate(headers=bearer(staff_secret), excluded_checks=excluded)

    answers_as_documented()
