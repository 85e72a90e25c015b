"""Fetching notices for `flask notices fetch`: Find a Tender's OCDS release packages and
Contracts Finder's OCDS search, page by page, each page saved as a file for the import.
Only for deployments that can reach those services (run from cron); the tests never call
it. A refused or failed request is retried with growing pauses (Retry-After if given)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import requests

from ..partnership import current_partnership

FIND_A_TENDER = "https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages"
CONTRACTS_FINDER = "https://www.contractsfinder.service.gov.uk/Published/Notices/OCDS/Search"
PAUSES = (1, 2, 4, 8, 16, 32)  # seconds before each retry
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
TIMEOUT = 60
MAX_PAGES = 1000


def user_agent() -> str:
    """Who asks, as the notice services see it: the service's name as one lowercase word."""
    return "-".join(current_partnership().service_name.lower().split())


class FetchFailed(RuntimeError):
    """A service kept failing after every retry."""


def get_with_back_off(
    session: Any,
    url: str,
    params: dict[str, Any] | None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """The JSON at `url`, retried after each pause in PAUSES on a refusal (429), a server
    error or a dropped connection."""
    for pause in (*PAUSES, None):
        try:
            response = session.get(url, params=params, timeout=TIMEOUT)
        except requests.RequestException as error:
            failure = str(error)
        else:
            if response.status_code not in RETRIED_STATUSES:
                response.raise_for_status()
                return response.json()
            failure = f"HTTP {response.status_code}"
            retry_after = response.headers.get("Retry-After", "")
            if pause is not None and retry_after.isdigit():
                pause = max(pause, int(retry_after))
        if pause is None:
            break
        sleep(pause)
    raise FetchFailed(f"{url} still failing after {len(PAUSES)} retries: {failure}")


def pages(session: Any, url: str, params: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Each page of a paged OCDS API, following `links.next`."""
    next_url: str | None = url
    for _ in range(MAX_PAGES):
        if not next_url:
            return
        page = get_with_back_off(session, next_url, params if next_url == url else None)
        yield page
        next_url = (page.get("links") or {}).get("next")


def fetch_all(since: date, folder: Path) -> list[Path]:
    """Fetch both services' notices since `since` into `folder`; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = since.isoformat()
    sources = {
        "find-a-tender": (FIND_A_TENDER, {"updatedFrom": f"{stamp}T00:00:00", "limit": 100}),
        "contracts-finder": (CONTRACTS_FINDER, {"publishedFrom": stamp, "size": 100}),
    }
    files = []
    with requests.Session() as session:
        session.headers["User-Agent"] = user_agent()
        for name, (url, params) in sources.items():
            for number, page in enumerate(pages(session, url, params), start=1):
                path = folder / f"{name}-{stamp}-{number:04d}.json"
                path.write_text(json.dumps(page), encoding="utf-8")
                files.append(path)
    return files
