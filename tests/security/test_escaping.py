"""User text is never rendered unescaped: no template marks it safe, and markup typed into
names, descriptions, notes and token names comes out as text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

import brokerage
from brokerage.accounts import service
from brokerage.extensions import db
from brokerage.plan import service as plan_service
from brokerage.plan.models import Action
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers.security import CHEAP_METHOD, plan_action
from tests.helpers.web import log_in

ROOT = Path(brokerage.PROJECT_ROOT)
# Ways to switch Jinja's escaping off, in templates and in Python.
UNESCAPING_IN_TEMPLATES = re.compile(r"\|\s*safe\b|autoescape\s+false|\bMarkup\b")
UNESCAPING_IN_PYTHON = re.compile(
    r"\bMarkup\(|render_template_string\(|autoescape\s*=\s*False|\.unescape\("
)
# Reviewed uses, as (file, what the line does). A form widget may wrap the output of
# render_template in Markup: that output was escaped by the template already.
ALLOWED_UNESCAPING = {
    ("brokerage/toms/fields.py", "Markup(render_template("),
    ("brokerage/listings/fields.py", "Markup(render_template("),
    # A cached part of a page: a template's output, or a template block's (escaped there).
    ("brokerage/caching.py", "Markup(render_template("),
    ("brokerage/caching.py", "Markup(cached("),
    # A map outline's SVG path: integers and the letters M, l and z, made by _ring_path from
    # the partnership's own map file, never from what a user typed.
    ("brokerage/places/map.py", 'return Markup("".join(_ring_path(ring) for ring in self.rings))'),
    # The postcode filter: a fixed span around its one argument, escaped.
    (
        "brokerage/formatting.py",
        'return Markup(f\'<span class="text-nowrap">{escape(postcode or "")}</span>\')',
    ),
}


def _unreviewed_uses(folder: Path, pattern: re.Pattern[str], suffixes: tuple[str, ...]) -> list:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in suffixes or "__pycache__" in path.parts:
            continue
        name = str(path.relative_to(ROOT))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            reviewed = any(name == f and fragment in line for f, fragment in ALLOWED_UNESCAPING)
            if pattern.search(line) and not reviewed:
                found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_no_template_marks_text_safe():
    uses = _unreviewed_uses(ROOT / "templates", UNESCAPING_IN_TEMPLATES, (".html", ".txt"))
    assert uses == []


def test_no_python_code_switches_escaping_off_except_the_reviewed_uses():
    assert _unreviewed_uses(ROOT / "brokerage", UNESCAPING_IN_PYTHON, (".py",)) == []


def test_the_app_escapes_html_in_templates(app):
    assert app.jinja_env.autoescape("page.html") is True


HOSTILE = {
    "name": "Eve <script>alert('name')</script>",
    "organisation": "Bakery <img src=x onerror=alert('org')>",
    "description": "<script>alert('description')</script>",
    "token": "<b onmouseover=alert('token')>export</b>",
    "note": "</textarea><script>alert('note')</script>",
}


@pytest.fixture
def hostile_world(app):
    """Markup stored directly, as if a validator had let it through (or data were
    imported), to show that the pages would still be safe."""
    with app.app_context():
        cheap = generate_password_hash(PASSWORD, method=CHEAP_METHOD)
        eve = UserFactory(email="eve@example.org", name=HOSTILE["name"], password_hash=cheap)
        UserFactory(email="admin@example.org", is_staff=True, password_hash=cheap)
        organisation = OrganisationFactory(
            name=HOSTILE["organisation"], description=HOSTILE["description"]
        )
        MembershipFactory(user=eve, organisation=organisation, role="owner")
        service.create_api_token(eve, HOSTILE["token"])
        action = plan_action()
        db.session.flush()
        plan_service.record_update(action, "at_risk", HOSTILE["note"], eve)
        db.session.commit()
        return {"organisation_id": organisation.id, "action_id": action.id}


def test_markup_in_user_text_is_shown_as_text_on_every_page_that_shows_it(app, hostile_world):
    eve = log_in(app.test_client(), "eve@example.org")
    staff = log_in(app.test_client(), "admin@example.org")
    organisation = f"/organisations/{hostile_world['organisation_id']}"
    pages = {
        "/": eve,
        "/account": eve,
        organisation: eve,
        f"{organisation}/edit": eve,
        "/admin/people": staff,
        "/admin/organisations": staff,
        f"/plan/actions/{hostile_world['action_id']}": staff,
    }
    unescaped = []
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for what, text in HOSTILE.items():
            if text in html or re.search(r"<script>alert|<img src=x|<b onmouseover", html):
                unescaped.append(f"{path}: {what}")
    assert unescaped == []
    shown = eve.get(organisation).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;" in shown


def test_the_api_returns_markup_as_json_text_not_html(app, hostile_world):
    with app.app_context():
        eve = db.session.scalars(db.select(service.User).filter_by(email="eve@example.org")).one()
        secret = service.create_api_token(eve, "api")
        db.session.commit()

    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_json()["name"] == HOSTILE["name"]


def test_a_plan_note_with_markup_is_escaped_in_the_action_history(app, hostile_world):
    staff = log_in(app.test_client(), "admin@example.org")

    html = staff.get(f"/plan/actions/{hostile_world['action_id']}").get_data(as_text=True)

    assert "&lt;/textarea&gt;&lt;script&gt;" in html
    with app.app_context():
        assert db.session.get(Action, hostile_world["action_id"]).updates[0].note == HOSTILE["note"]
