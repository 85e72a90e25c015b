"""What every page's layout carries that does not change while the app runs, made once per
app: Bootstrap's stylesheet and script tags (Bootstrap-Flask's `load_css()` and `load_js()`
build them from settings, and building them on every page cost a cached page a twentieth of
its time) and the layout's links to pages that take no arguments (each `url_for` costs a
page some 13 us, and the layout has five)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, url_for
from markupsafe import Markup

from .extensions import bootstrap

# In `app.extensions`: the URL of each page taking no arguments that layout_url was asked for.
_LAYOUT_URLS = "page_assets.layout_urls"


@dataclass(frozen=True)
class PageAssets:
    stylesheets: Markup
    scripts: Markup


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_assets"] = page_assets
    app.jinja_env.globals["layout_url"] = layout_url


def page_assets() -> PageAssets:
    """For base.html; made at the first page, since the URLs need a request."""
    assets = current_app.extensions.get("page_assets")
    if assets is None:
        assets = PageAssets(bootstrap.load_css(), bootstrap.load_js())
        current_app.extensions["page_assets"] = assets
    return assets


def layout_url(endpoint: str, **values: Any) -> str:
    """For base.html: `url_for(endpoint, **values)` for a link the layout carries on every
    page, built at the first page that asks (as the assets, it needs a request)."""
    key = (endpoint, *sorted(values.items()))
    urls: dict[tuple[object, ...], str] = current_app.extensions.setdefault(_LAYOUT_URLS, {})
    url = urls.get(key)
    if url is None:
        url = urls[key] = url_for(endpoint, **values)
    return url
