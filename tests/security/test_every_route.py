"""Properties every route must have, checked on each row of the authorisation matrix:
forms refuse a request without its CSRF token, pages carry the security headers and no
inline script or style, wrong methods get 405, and ids beyond any row are simply not found."""

from __future__ import annotations

import re

import pytest

from tests.helpers.authorisation_matrix import MATRIX, let_through
from tests.helpers.security import ROLES
from tests.security.routes import form_for, path_for, route_keys, rules_by_endpoint

FORM_ROUTES = sorted(
    key for key in MATRIX if not key.startswith("GET ") and not key.split()[1].startswith("api.")
)
PAGE_ROUTES = sorted(key for key in MATRIX if key.startswith("GET "))


@pytest.mark.parametrize("route", FORM_ROUTES)
def test_a_form_posted_without_its_own_csrf_token_is_refused_and_changes_nothing(
    route, app, security_world, security_client, isolated
):
    """No token, and another session's token: both 400, both leaving the database alone,
    from someone the route would otherwise let through."""
    method, endpoint = route.split()
    role, _ = let_through(route)
    stranger = next(
        r for r in ("supplier", "anon") if security_world.csrf[r] != security_world.csrf[role]
    )
    path = path_for(app, endpoint, security_world)
    answers = []
    for token in (None, security_world.csrf[stranger]):
        with isolated() as database:
            data = form_for(endpoint, security_world, token)
            response = security_client(role).open(path, method=method, data=data)
            answers.append((response.status_code, database.changes()))

    assert answers == [(400, []), (400, [])], f"{role} {method} {path}"


def _header_items(value: str, separator: str) -> set[str]:
    return {" ".join(part.split()) for part in value.split(separator) if part.strip()}


# Inline code that a CSP of default-src 'self' would block, so it must never be written.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


@pytest.mark.parametrize("route", PAGE_ROUTES)
def test_every_page_carries_the_security_headers_and_no_inline_code(
    route, app, security_world, security_client
):
    endpoint = route.split()[1]
    role = next(r for r in ROLES if MATRIX[route].by_role[r] == 200)

    response = security_client(role).get(path_for(app, endpoint, security_world))

    assert response.status_code == 200
    headers = response.headers
    policy = _header_items(headers["Content-Security-Policy"], ";")
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "unsafe-eval" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert {"camera=()", "microphone=()", "geolocation=()"} <= _header_items(
        headers["Permissions-Policy"], ","
    )
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        for pattern in (INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL):
            assert not pattern.search(html), f"{pattern.pattern} on {route}"


def test_every_route_answers_a_method_it_does_not_serve_with_405(
    app, security_world, security_client
):
    """GET and POST at every path, as anonymous visitors, staff and a staff token alike.
    (Routes without a matrix row are reported by the matrix's own test.)"""
    served: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        served.setdefault(rule.rule, set()).update(rule.methods)
    listed = {key.split()[1] for key in MATRIX}
    wrong = []
    for endpoint, rule in rules_by_endpoint(app).items():
        if endpoint not in listed:
            continue
        path = path_for(app, endpoint, security_world)
        for method in {"GET", "POST"} - served[rule.rule]:
            for role in ("anon", "staff", "staff_token"):
                response = security_client(role).open(path, method=method)
                if response.status_code != 405 or not response.headers.get("Allow"):
                    wrong.append(f"{role} {method} {path}: {response.status_code}")
    assert wrong == []


def _id_arguments(rule) -> list[str]:
    return [name for name, c in rule._converters.items() if type(c).__name__ == "IntegerConverter"]


def test_an_id_beyond_any_row_is_not_found_rather_than_a_crash(
    app, security_world, security_client, isolated
):
    """Ids a 32-bit (or 64-bit) integer cannot hold, in every route that takes one, asked
    by someone the matrix lets through: a 404, never a database error."""
    wrong = []
    for route, rule in route_keys(app).items():
        if route not in MATRIX or not _id_arguments(rule):
            continue
        method, endpoint = route.split()
        role, _ = let_through(route)
        for number in (2**31, 2**63, 10**40):
            path = path_for(
                app, endpoint, security_world, **dict.fromkeys(_id_arguments(rule), number)
            )
            with isolated() as database:
                client = security_client(role)
                data = (
                    None
                    if method == "GET"
                    else form_for(endpoint, security_world, security_world.csrf[role])
                )
                response = client.open(path, method=method, data=data)
                changes = database.changes()
            if response.status_code != 404 or changes:
                wrong.append(f"{role} {method} {path}: {response.status_code} {changes}")
    assert wrong == []
