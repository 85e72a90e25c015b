"""Emailed links come from BASE_URL, never from the request's Host header, and production
answers 400 to a request naming a host it does not serve (issue 17, finding 1)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from brokerage import create_app
from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.links import absolute_url_for
from brokerage.notifications.service import notify
from config import ConfigurationError, ProductionConfig, TestConfig
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.pages import emails_to
from tests.helpers.web import CSRF_INPUT, log_in

EVIL = "http://evil.example.net"
SITE = TestConfig.BASE_URL
URL = re.compile(r"https?://[^\s]+")


def links_emailed_to(app: Flask, address: str) -> list[str]:
    with app.app_context():
        return [link for message in emails_to(address) for link in URL.findall(message.body)]


def post_from_host(client, base_url: str, page: str, url: str, data: dict[str, str]):
    """Submit a form as an attacker would: every request naming `base_url`'s host."""
    html = client.get(page, base_url=base_url).get_data(as_text=True)
    token = CSRF_INPUT.search(html)
    assert token, f"no form on {page}"
    return client.post(
        url, base_url=base_url, data={"csrf_token": token.group(1) or token.group(2), **data}
    )


def assert_all_on_the_site(links: list[str]) -> None:
    assert links, "no link was emailed"
    for link in links:
        assert link.startswith(f"{SITE}/"), link
        assert "evil" not in link


def test_a_reset_asked_for_under_a_forged_host_emails_a_link_to_the_real_site(app, create):
    create(UserFactory, email="victim@example.org")

    response = post_from_host(
        app.test_client(),
        EVIL,
        "/password-reset",
        "/password-reset",
        {"email": "victim@example.org"},
    )

    assert response.status_code == 302
    links = links_emailed_to(app, "victim@example.org")
    assert_all_on_the_site(links)
    assert any("/password-reset/" in link or "/reset" in link for link in links), links


def test_signing_up_with_a_known_address_under_a_forged_host_emails_the_real_sites_links(
    app, create
):
    create(UserFactory, email="victim@example.org")
    form = {
        "name": "Someone",
        "email": "victim@example.org",
        "password": "a long enough passphrase",
        "confirm": "a long enough passphrase",
    }

    post_from_host(app.test_client(), EVIL, "/register", "/register", form)

    assert_all_on_the_site(links_emailed_to(app, "victim@example.org"))


def test_a_confirmation_link_is_on_the_real_site_whatever_host_the_sign_up_named(app):
    form = {
        "name": "New Person",
        "email": "new.person@example.org",
        "password": "a long enough passphrase",
        "confirm": "a long enough passphrase",
    }

    post_from_host(app.test_client(), EVIL, "/register", "/register", form)

    links = links_emailed_to(app, "new.person@example.org")
    assert_all_on_the_site(links)
    assert any("/confirm/" in link for link in links), links


def test_an_invitation_sent_under_a_forged_host_links_to_the_real_site(app, create):
    organisation = create(OrganisationFactory, name="Cowley Bakery", kind="supplier")
    owner = create(UserFactory, email="owner@bakery.example.org")
    create(MembershipFactory, user_id=owner.id, organisation_id=organisation.id, role="owner")
    client = app.test_client()
    log_in(client, "owner@bakery.example.org")
    # The session cookie was set for the test client's own host; carry it to the forged one.
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain="evil.example.net")

    post_from_host(
        client,
        EVIL,
        f"/organisations/{organisation.id}",
        f"/organisations/{organisation.id}/invitations",
        {"email": "colleague@example.org", "role": "member"},
    )

    links = links_emailed_to(app, "colleague@example.org")
    assert_all_on_the_site(links)
    assert any("/organisations/invitations/" in link for link in links), links


def test_a_notification_email_links_to_the_real_site_in_a_forged_request_and_in_a_job(app, create):
    person = create(UserFactory, email="reader@example.org")
    with app.test_request_context("/", base_url=EVIL):
        notify([db.session.get(User, person.id)], "From a request", link="/matches/7")
        db.session.commit()
    with app.app_context():
        notify([db.session.get(User, person.id)], "From a job", link="/matches/8")
        db.session.commit()

    links = links_emailed_to(app, "reader@example.org")
    assert sorted(links) == [f"{SITE}/matches/7", f"{SITE}/matches/8"]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://brokerage.example.org", "https://brokerage.example.org/login"),
        ("https://brokerage.example.org/", "https://brokerage.example.org/login"),
        ("https://example.org/brokerage", "https://example.org/brokerage/login"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/login"),
    ],
)
def test_absolute_links_are_built_on_the_base_url_outside_any_request(app, base_url, expected):
    with app.app_context():
        app.config["BASE_URL"], before = base_url, app.config["BASE_URL"]
        try:
            assert absolute_url_for("accounts.login") == expected
            assert absolute_url_for("accounts.login", next="/x", _anchor="top") == (
                f"{expected}?next=/x#top"
            )
        finally:
            app.config["BASE_URL"] = before


def _production_like(**settings: object) -> Flask:
    """An app that takes production's host rules, without needing production's services."""
    config = type("HostRules", (TestConfig,), {"ENV_NAME": "production", **settings})
    return create_app(config)


def test_production_answers_400_to_a_host_it_does_not_serve():
    client = _production_like().test_client()

    assert client.get("/healthz", base_url=EVIL).status_code == 400
    assert client.get("/healthz", base_url=SITE).status_code == 200


def test_production_serves_the_extra_hosts_listed_in_trusted_hosts():
    client = _production_like(TRUSTED_HOSTS=["brokerage.example.org", "10.0.0.5"]).test_client()

    assert client.get("/healthz", base_url="http://10.0.0.5:8000").status_code == 200
    assert client.get("/healthz", base_url=EVIL).status_code == 400


@pytest.mark.parametrize("base_url", [None, "", "brokerage.example.org", "ftp://example.org"])
def test_production_refuses_to_start_without_an_absolute_base_url(base_url):
    settings = {
        "SECRET_KEY": "x" * 40,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1/brokerage",
        "BASE_URL": base_url,
    }

    with pytest.raises(ConfigurationError, match="BASE_URL must be set in production"):
        ProductionConfig.validate(settings)
