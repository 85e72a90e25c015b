"""Log-in limits that see people: wrong passwords are counted per account tried and per
client address (read through PROXY_HOPS), right ones never; a refusal says the real wait."""

from __future__ import annotations

import re

import pytest

from brokerage.accounts import limits
from brokerage.errors import wait_in_words
from tests.factories import PASSWORD, UserFactory
from tests.helpers.web import csrf_token

WRONG = "not the right password"
FEW = {
    "LOGIN_FAILURES_PER_ACCOUNT": "3 per 15 minutes",
    "LOGIN_FAILURES_PER_ADDRESS": "5 per hour",
}
JSON = {"Accept": "application/json"}


def _log_in(app, email: str, password: str, address: str = "192.0.2.1", **headers: str):
    """One log-in from a new browser at `address` (the connecting address, or the one a
    proxy forwarded when the header is given)."""
    client = app.test_client()
    form = {"csrf_token": csrf_token(client), "email": email, "password": password}
    return client.post("/login", data=form, environ_base={"REMOTE_ADDR": address}, headers=headers)


def _statuses(answers) -> list[int]:
    return [answer.status_code for answer in answers]


def test_right_passwords_are_never_counted_however_often_one_address_logs_in(
    limited_app_with, create
):
    app = limited_app_with(**FEW)
    office = [create(UserFactory, email=f"colleague{n}@example.org").email for n in range(3)]

    answers = [_log_in(app, office[n % 3], PASSWORD) for n in range(12)]

    assert _statuses(answers) == [302] * 12


def test_wrong_passwords_for_one_account_do_not_lock_out_another_at_the_same_address(
    limited_app_with, create
):
    app = limited_app_with(**FEW)
    other = create(UserFactory, email="other@example.org").email
    create(UserFactory, email="victim@example.org")

    wrong = [_log_in(app, "victim@example.org", WRONG) for _ in range(3)]
    refused = _log_in(app, "victim@example.org", WRONG)

    assert _statuses(wrong) == [200] * 3
    assert refused.status_code == 429
    assert "for this email address" in refused.get_data(as_text=True)
    assert _log_in(app, other, WRONG).status_code == 200
    assert _log_in(app, other, PASSWORD).status_code == 302


def test_an_account_under_attack_is_limited_from_every_address_however_the_email_is_typed(
    limited_app_with, create
):
    app = limited_app_with(**FEW)
    create(UserFactory, email="victim@example.org")
    spellings = ["victim@example.org", "Victim@Example.org", "VICTIM@EXAMPLE.ORG"]

    wrong = [_log_in(app, email, WRONG, f"198.51.100.{n}") for n, email in enumerate(spellings)]
    refused = _log_in(app, "victim@example.org", PASSWORD, "203.0.113.9")

    assert _statuses(wrong) == [200] * 3
    assert refused.status_code == 429


def test_wrong_passwords_across_accounts_are_limited_at_their_address_only(
    limited_app_with, create
):
    app = limited_app_with(**FEW)
    person = create(UserFactory, email="person@example.org").email

    sprayed = [_log_in(app, f"guess{n}@example.org", WRONG, "198.51.100.7") for n in range(5)]
    refused = _log_in(app, "guess5@example.org", WRONG, "198.51.100.7")

    assert _statuses(sprayed) == [200] * 5
    assert refused.status_code == 429
    assert "from your network" in refused.get_data(as_text=True)
    assert _log_in(app, person, PASSWORD, "198.51.100.8").status_code == 302


def test_behind_one_proxy_each_forwarded_client_address_is_limited_on_its_own(limited_app_with):
    app = limited_app_with(PROXY_HOPS=1, **FEW)

    def from_client(address: str, n: int):
        return _log_in(
            app, f"guess{n}@example.org", WRONG, "127.0.0.1", **{"X-Forwarded-For": address}
        )

    sprayed = [from_client("198.51.100.7", n) for n in range(5)]

    assert _statuses(sprayed) == [200] * 5
    assert from_client("198.51.100.7", 5).status_code == 429
    assert from_client("198.51.100.8", 6).status_code == 200


def test_without_proxies_a_forwarded_address_sent_by_the_client_is_ignored(limited_app_with):
    app = limited_app_with(**FEW)  # PROXY_HOPS defaults to 0

    def claiming(address: str, n: int):
        return _log_in(app, f"guess{n}@example.org", WRONG, **{"X-Forwarded-For": address})

    sprayed = [claiming(f"198.51.100.{n}", n) for n in range(5)]

    assert _statuses(sprayed) == [200] * 5
    assert claiming("198.51.100.99", 5).status_code == 429


def test_a_refusal_says_the_real_wait_in_words_and_in_retry_after(limited_app_with):
    app = limited_app_with(**FEW)
    for n in range(5):
        _log_in(app, f"guess{n}@example.org", WRONG)

    page = _log_in(app, "guess5@example.org", WRONG)
    api = _log_in(app, "guess6@example.org", WRONG, **JSON)

    hour = r"Try again in (59 minutes|1 hour)\."
    assert page.status_code == api.status_code == 429
    assert re.search(hour, page.get_data(as_text=True))
    assert 3500 < int(page.headers["Retry-After"]) <= 3601
    assert 3500 < int(api.headers["Retry-After"]) <= 3601
    body = api.get_json()
    assert body["error"] == "too_many_requests"
    assert re.fullmatch(
        r"Too many wrong passwords have been tried from your network\. " + hour, body["reason"]
    )


def test_an_account_refused_for_a_quarter_hour_is_told_so(limited_app_with):
    app = limited_app_with(**FEW)
    for _ in range(3):
        _log_in(app, "victim@example.org", WRONG)

    refused = _log_in(app, "victim@example.org", WRONG)

    assert re.search(r"Try again in (14|15) minutes\.", refused.get_data(as_text=True))
    assert 840 < int(refused.headers["Retry-After"]) <= 901


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (3480, "58 minutes"),
        (3601, "1 hour"),
        (3900, "1 hour and 5 minutes"),
        (7200, "2 hours"),
    ],
)
def test_a_wait_is_said_in_words(seconds, words):
    assert wait_in_words(seconds) == words


def test_a_browser_that_logged_in_before_still_gets_in_past_its_networks_limit(
    limited_app_with, create
):
    app = limited_app_with(**FEW)
    person = create(UserFactory, email="person@example.org").email
    known = app.test_client()
    form = {"csrf_token": csrf_token(known), "email": person, "password": PASSWORD}
    first = known.post("/login", data=form, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    cookie = known.get_cookie(limits.KNOWN_BROWSER_COOKIE)
    for n in range(5):
        _log_in(app, f"guess{n}@example.org", WRONG)

    same_browser = app.test_client()
    same_browser.set_cookie(limits.KNOWN_BROWSER_COOKIE, cookie.value)
    form = {"csrf_token": csrf_token(same_browser), "email": person, "password": PASSWORD}
    again = same_browser.post("/login", data=form, environ_base={"REMOTE_ADDR": "192.0.2.1"})

    assert first.status_code == 302
    assert _log_in(app, person, PASSWORD).status_code == 429  # a browser it does not know
    assert again.status_code == 302
    assert cookie.http_only
