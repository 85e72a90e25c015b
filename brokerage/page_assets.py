"""Bootstrap's stylesheet and script tags, which every page carries, made once per app:
Bootstrap-Flask's `load_css()` and `load_js()` build them from settings that do not change
while the app runs, and building them on every page cost a cached page a twentieth of its
time."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app
from markupsafe import Markup

from .extensions import bootstrap


@dataclass(frozen=True)
class PageAssets:
    stylesheets: Markup
    scripts: Markup


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_assets"] = page_assets


def page_assets() -> PageAssets:
    """For base.html; made at the first page, since the URLs need a request."""
    assets = current_app.extensions.get("page_assets")
    if assets is None:
        assets = PageAssets(bootstrap.load_css(), bootstrap.load_js())
        current_app.extensions["page_assets"] = assets
    return assets
