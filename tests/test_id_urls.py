"""Links to pages that take one id are built with url_for once, then only filled in."""

from __future__ import annotations

import pytest
from flask import url_for

from brokerage.id_urls import id_url

ID_PAGES = [
    ("listings.profile", "organisation_id"),
    ("listings.show_offer", "listing_id"),
    ("matches.show", "match_id"),
]


@pytest.mark.parametrize(("endpoint", "argument"), ID_PAGES)
@pytest.mark.parametrize("id_", [1, 7, 42, 1234567])
def test_an_id_url_is_the_url_url_for_gives(app, endpoint, argument, id_):
    with app.test_request_context():
        assert id_url(endpoint, argument)(id_) == url_for(endpoint, **{argument: id_})


def test_an_id_url_keeps_the_script_root_it_was_built_under(app, monkeypatch):
    monkeypatch.delitem(app.extensions, "id_urls", raising=False)  # as in a new process
    with app.test_request_context(base_url="http://localhost/brokerage/"):
        assert id_url("matches.show", "match_id")(5) == "/brokerage/matches/5"
        assert url_for("matches.show", match_id=5) == "/brokerage/matches/5"


def test_an_id_url_is_built_once_per_app(app, monkeypatch):
    monkeypatch.delitem(app.extensions, "id_urls", raising=False)
    with app.test_request_context():
        first = id_url("listings.profile", "organisation_id")
        assert id_url("listings.profile", "organisation_id") is first
