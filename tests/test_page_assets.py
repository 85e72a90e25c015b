"""Every page carries Bootstrap's and our own stylesheet and script tags, made once per app."""

from __future__ import annotations

from brokerage.extensions import bootstrap


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
