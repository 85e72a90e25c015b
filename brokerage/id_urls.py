"""Links to pages that take one id (a profile, an offer, a match), for pages that list many:
`url_for` runs once per endpoint and app and the id is put in its place after, since each
`url_for` costs a page some 13 us and an opportunity's suppliers link some thirty times.

In a template: `{% set offer_url = id_url("listings.show_offer", "listing_id") %}`, then
`{{ offer_url(offer.id) }}` for each, the same URL `url_for` would give."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for

# In `app.extensions`: each (endpoint, argument) pair's URL with a hole for the id.
_ID_URLS = "id_urls"
# An id no row will have: where `url_for` writes it is where every other id goes.
_PLACEHOLDER = 987_654_321_012_345


@dataclass(frozen=True)
class IdUrl:
    """A page's URL around its one id: `before` it and `after` it."""

    before: str
    after: str

    def __call__(self, id_: int) -> str:
        return f"{self.before}{int(id_)}{self.after}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["id_url"] = id_url


def id_url(endpoint: str, argument: str) -> IdUrl:
    """The URL of `endpoint` for any value of its one integer `argument`, as `url_for`
    builds it; worked out at the first page that asks (building needs a request)."""
    urls: dict[tuple[str, str], IdUrl] = current_app.extensions.setdefault(_ID_URLS, {})
    found = urls.get((endpoint, argument))
    if found is None:
        placeholder = str(_PLACEHOLDER)
        values: dict[str, Any] = {argument: _PLACEHOLDER}
        url = url_for(endpoint, **values)
        before, held, after = url.partition(placeholder)
        if not held or placeholder in after:
            raise ValueError(f"{endpoint} does not take one {argument} in its path.")
        found = urls[(endpoint, argument)] = IdUrl(before, after)
    return found
