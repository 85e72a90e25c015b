"""Every page carries Bootstrap's and our own stylesheet and script tags, made once per app."""

from __future__ import annotations

from flask import url_for
from werkzeug.routing import MapAdapter

from brokerage.extensions import bootstrap
from brokerage.partnership import current_partnership


def test_pages_carry_the_stylesheets_and_scripts(anon):
    page = anon.get("/login").get_data(as_text=True)

    assert '<link rel="stylesheet" href="/bootstrap/static/css/bootstrap.min.css">' in page
    assert '<link rel="stylesheet" href="/static/css/app.css">' in page
    assert '<script src="/bootstrap/static/js/bootstrap.min.js"></script>' in page


def test_the_tags_are_made_once_not_on_every_page(app, anon, monkeypatch):
    monkeypatch.delitem(app.extensions, "page_assets", raising=False)  # as in a new process
    made = []
    load_css = bootstrap.load_css
    monkeypatch.setattr(bootstrap, "load_css", lambda: made.append(1) or load_css())

    pages = [anon.get(url).get_data(as_text=True) for url in ("/login", "/register", "/login")]

    assert len(made) == 1
    assert all("bootstrap.min.css" in page for page in pages)


LAYOUT_ENDPOINTS = {
    "static",
    "partnership_stylesheet",
    "accounts.logout",
    "home.privacy",
    "accessibility.statement",
}


def test_the_layouts_own_links_are_built_once_not_on_every_page(app, supplier, monkeypatch):
    supplier.get("/about-social-value")  # shows the signing in's message
    first = supplier.get("/about-social-value").get_data(as_text=True)
    built = []
    build = MapAdapter.build

    def counted(self: MapAdapter, endpoint: str, *args: object, **kwargs: object) -> str:
        built.append(endpoint)
        return build(self, endpoint, *args, **kwargs)

    monkeypatch.setattr(MapAdapter, "build", counted)

    again = supplier.get("/about-social-value").get_data(as_text=True)

    assert LAYOUT_ENDPOINTS.isdisjoint(built)
    assert again == first  # the same links: to the same pages and files


def test_the_layout_links_where_url_for_does(app, supplier):
    page = supplier.get("/about-social-value").get_data(as_text=True)

    with app.test_request_context():
        assert f'href="{url_for("static", filename="css/app.css")}"' in page
        assert f'action="{url_for("accounts.logout")}"' in page
        assert f'href="{url_for("home.privacy")}"' in page
        assert f'href="{url_for("accessibility.statement")}"' in page
        version = current_partnership().branding.version
        assert f'href="{url_for("partnership_stylesheet", v=version)}"' in page


def test_the_helpers_templates_ask_for_are_template_globals_not_context_processors(app):
    """Given to every template once, rather than gathered by a processor on every page."""
    for name in ("can_view_plan", "can_manage_charter", "format_figure", "unread_notifications"):
        assert name in app.jinja_env.globals
    processors = [p.__module__ for ps in app.template_context_processors.values() for p in ps]
    assert not any(m.startswith(("brokerage.plan", "brokerage.charter")) for m in processors)
    assert "brokerage.notifications.views" not in processors
