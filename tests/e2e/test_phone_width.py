"""No page scrolls sideways on a phone, and no chart's text is under 12 px there: every GET
route of the URL map, opened at 390×844 as a person the authorisation matrix lets see it, on
the security suite's world (the same paths and objects), fails if the page is wider than the
screen or shows chart text smaller than 12 px."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Error

from brokerage.extensions import db
from tests.e2e.helpers import MIN_CHART_TEXT, SCREENSHOTS, SMALLEST_CHART_TEXT, LiveServer, serving
from tests.factories import PASSWORD
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.authorisation_matrix import MATRIX
from tests.helpers.security import SESSION_ROLES, SecurityWorld, build_security_world
from tests.security.routes import path_for, route_keys

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# Files, JSON and assets rather than pages.
NOT_PAGES = ("static", "bootstrap.static", "partnership_stylesheet", "api.", "health.")
WIDER_THAN_SCREEN = """() => ({
    page: document.documentElement.scrollWidth,
    screen: window.innerWidth,
    widest: [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.closest('.table-responsive, .overflow-auto'))
        .slice(0, 3)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')),
})"""


@pytest.fixture(scope="module")
def world_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, SecurityWorld]]:
    """A live server of its own holding the security suite's world (fixed emails and a
    plan of its own, so it cannot meet the other journeys' data)."""
    with fresh_database(tmp_path_factory.mktemp("phone-db"), "phone") as database_url:
        app = build_test_app(database_url, str(tmp_path_factory.mktemp("phone-outbox")))
        with app.app_context():
            world = build_security_world()
            db.session.commit()
            db.session.remove()
        world.app = app
        with serving(app) as server:
            yield server, world


def _pages_by_person(server: LiveServer, world: SecurityWorld) -> dict[str, list[tuple[str, str]]]:
    """Each GET page with the first person the matrix shows it to: person -> [(endpoint,
    path)]."""
    pages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key in sorted(route_keys(server.app)):
        method, endpoint = key.split()
        if method != "GET" or endpoint.startswith(NOT_PAGES):
            continue
        person = next(r for r in SESSION_ROLES if MATRIX[key].by_role[r] == 200)
        pages[person].append((endpoint, path_for(server.app, endpoint, world)))
    return pages


def test_no_page_scrolls_sideways_on_a_phone(
    world_server: tuple[LiveServer, SecurityWorld], new_context: Callable[..., BrowserContext]
) -> None:
    server, world = world_server
    too_wide: list[str] = []
    small_text: list[str] = []
    visited = 0
    for person, pages in _pages_by_person(server, world).items():
        context = new_context(viewport=PHONE)
        page = context.new_page()
        if person != "anon":
            page.goto(f"{server.url}/login")
            page.get_by_label("Email address").fill(world.emails[person])
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(lambda url: "/login" not in url)
        for endpoint, path in pages:
            try:
                response = page.goto(server.url + path)
            except Error as error:  # a download (an export) is not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            visited += 1
            smallest = page.evaluate(SMALLEST_CHART_TEXT)
            if smallest < MIN_CHART_TEXT:
                small_text.append(f"{endpoint} {path}: chart text of {smallest:.1f} px")
            width = page.evaluate(WIDER_THAN_SCREEN)
            if width["page"] > width["screen"]:
                shot = f"phone-width-{endpoint.replace('.', '-')}"
                page.screenshot(path=SCREENSHOTS / f"{shot}.png", full_page=True)
                too_wide.append(
                    f"{endpoint} {path} as {person}: {width['page'] - width['screen']} px too "
                    f"wide ({', '.join(width['widest'])})"
                )
        context.close()
    assert visited > 50, f"only {visited} pages were opened"
    assert not small_text, "chart text under 12 px at 390 px:\n" + "\n".join(small_text)
    assert not too_wide, f"{len(too_wide)} page(s) scroll sideways at 390 px:\n" + "\n".join(
        too_wide
    )
