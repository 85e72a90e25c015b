"""Absolute links for emails, exports and the API, built from the configured `BASE_URL`.

A link that leaves the site (an emailed reset link, above all) must never be built from the
request's `Host` header: anyone can send a request with `Host: evil.example.net`, and the
victim would be mailed a link to that host carrying their token.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str:
    """The site's address as people reach it, without a trailing slash."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values, _external=True)`, on BASE_URL whatever the request says.

    Works outside a request too (jobs, cron commands), where Flask's own `url_for` needs
    `SERVER_NAME`.
    """
    app = current_app
    base = urlsplit(base_url())
    adapter = app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def absolute_path(path: str) -> str:
    """A path inside the site ("/matches/3") as an absolute link on BASE_URL."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path inside the site: {path!r}")
    return f"{base_url()}{path}"
