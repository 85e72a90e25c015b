"""What a signed-in person is shown is theirs: no browser history or shared proxy keeps it
(`Cache-Control: no-store`); public pages seen by visitors keep their own headers."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, UserFactory
from tests.helpers.api import create_token, me
from tests.helpers.web import post_form


def is_not_stored(response) -> bool:
    return response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize(
    "page",
    ["/account", "/", "/privacy", "/impact", "/directory/", "/organisations/", "/no-such-page"],
)
def test_every_page_a_signed_in_person_is_shown_is_not_stored(supplier, page):
    assert is_not_stored(supplier.get(page))


def test_the_answer_to_logging_in_is_not_stored(anon, create):
    create(UserFactory, email="ada@example.org")

    response = post_form(anon, "/login", {"email": "ada@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert is_not_stored(response)


@pytest.mark.parametrize("page", ["/", "/privacy", "/impact", "/login"])
def test_public_pages_seen_by_a_visitor_keep_their_own_headers(anon, page):
    response = anon.get(page)

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_static_files_stay_cacheable_for_signed_in_people(supplier):
    response = supplier.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_api_answers_a_token_or_a_session_with_no_store(app, supplier):
    secret = create_token(supplier)

    assert is_not_stored(me(app.test_client(), secret))
    assert is_not_stored(supplier.get("/api/v1/me"))


def test_the_public_api_figures_keep_their_own_headers(anon):
    response = anon.get("/api/v1/impact")

    assert "no-store" not in response.headers.get("Cache-Control", "")
