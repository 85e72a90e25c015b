"""`flask notices fetch`'s back-off, with a stand-in for the HTTP session: the tests never
reach Find a Tender or Contracts Finder."""

from __future__ import annotations

import pytest
import requests

from brokerage.notices.fetch import PAUSES, FetchFailed, get_with_back_off, pages


class _Response:
    def __init__(self, status: int, body: dict | None = None, retry_after: str = "") -> None:
        self.status_code, self.body = status, body or {}
        self.headers = {"Retry-After": retry_after} if retry_after else {}

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise requests.HTTPError(str(self.status_code))

    def json(self) -> dict:
        return self.body


class _Session:
    def __init__(self, *answers) -> None:
        self.answers, self.asked = list(answers), []

    def get(self, url, params=None, timeout=None):
        self.asked.append((url, params))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_refused_or_failed_request_is_retried_after_growing_pauses():
    slept: list[float] = []
    session = _Session(
        _Response(429, retry_after="7"),
        requests.ConnectionError("reset"),
        _Response(503),
        _Response(200, {"releases": []}),
    )

    page = get_with_back_off(session, "https://fts.example/api", {"limit": 100}, slept.append)

    assert page == {"releases": []}
    assert slept == [7, 2, 4]


def test_a_service_failing_every_time_is_given_up_on_with_a_clear_error():
    slept: list[float] = []
    session = _Session(*[_Response(500)] * (len(PAUSES) + 1))

    with pytest.raises(FetchFailed, match="still failing after 6 retries: HTTP 500"):
        get_with_back_off(session, "https://fts.example/api", None, slept.append)
    assert slept == list(PAUSES)


def test_a_client_error_is_not_retried():
    session = _Session(_Response(400))

    with pytest.raises(requests.HTTPError):
        get_with_back_off(session, "https://fts.example/api", None, lambda _: None)
    assert len(session.asked) == 1


def test_pages_follow_the_next_link_until_there_is_none():
    session = _Session(
        _Response(200, {"releases": [1], "links": {"next": "https://fts.example/api?cursor=2"}}),
        _Response(200, {"releases": [2], "links": {}}),
    )

    found = list(pages(session, "https://fts.example/api", {"limit": 100}))

    assert [page["releases"] for page in found] == [[1], [2]]
    assert session.asked == [
        ("https://fts.example/api", {"limit": 100}),
        ("https://fts.example/api?cursor=2", None),
    ]
