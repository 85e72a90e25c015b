"""End-to-end fixtures: one live server and one Debian Chromium for the whole session.

The live server runs the real app on its own fresh database (SQLite, or PostgreSQL with
TEST_DATABASE_URL) on a free loopback port. Its data lives for the session, so each test
makes its own people and organisations with unique names.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Page

from tests.e2e.helpers import (
    JOURNEY_SHOTS,
    SCREENSHOTS,
    CheckPage,
    Journey,
    LiveServer,
    Outbox,
    check_page_accessible,
    serving,
)
from tests.helpers.app import build_test_app, fresh_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium looks up ~20 hosts at start-up; resolve nothing but loopback (see TOOLCHAIN.md).
CHROMIUM_ARGS = [
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
    "--disable-gpu",
    "--disable-quic",
]


@pytest.fixture(autouse=True)
def _rolled_back_database() -> Iterator[None]:
    """Replace the unit tests' rolled-back transaction with nothing.

    That fixture swaps the global `db.session` for one bound to the unit-test app's
    connection, which the live server's request threads would then use too: their writes
    would land in the unit database and vanish after each test. The live server keeps its
    own database and sessions instead.
    """
    yield


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(tmp_path_factory.mktemp("e2e-db"), "e2e") as database_url:
        app = build_test_app(database_url, str(tmp_path_factory.mktemp("e2e-outbox")))
        with serving(app) as server:
            yield server


@pytest.fixture(scope="session")
def base_url(live_server: LiveServer) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def _empty_screenshot_folder() -> None:
    """Start each run with no screenshots, so none left over from an old run misleads."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    JOURNEY_SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


@pytest.fixture
def csp_violations() -> Iterator[list[str]]:
    """Content-Security-Policy violations the browser reported during this test."""
    violations: list[str] = []
    yield violations
    assert not violations, "The browser refused content under the CSP:\n" + "\n".join(violations)


@pytest.fixture
def new_context(
    new_context: Callable[..., BrowserContext], csp_violations: list[str]
) -> Callable[..., BrowserContext]:
    """pytest-playwright's contexts, each listening for CSP violations on its console."""

    def _listen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(f"{message.location.get('url', '?')}: {message.text}")

    def _new_context(**kwargs: Any) -> BrowserContext:
        context = new_context(**kwargs)
        context.on("console", _listen)
        return context

    return _new_context


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext]) -> Callable[[], Page]:
    """A page in a new browser context: another person, with their own cookies."""
    return lambda: new_context().new_page()


@pytest.fixture
def check_page(request: pytest.FixtureRequest, csp_violations: list[str]) -> CheckPage:
    """`check_page(page, name)`: screenshot the loaded page as
    `<test>-<step number>-<name>.png`, then fail on serious or critical axe-core
    violations or on any CSP violation so far."""
    test = request.node.originalname.removeprefix("test_")
    steps = itertools.count(1)

    def _check(page: Page, name: str) -> None:
        shot = f"{test}-{next(steps):02d}-{name}"
        check_page_accessible(page, shot)
        assert not csp_violations, f"CSP violations by {shot}:\n" + "\n".join(csp_violations)

    return _check


@pytest.fixture
def start_journey(
    new_context: Callable[..., BrowserContext], csp_violations: list[str]
) -> Callable[[str, str], tuple[Journey, Page]]:
    """`start_journey(persona, width_name)`: the journey's checks and a page of its own at
    that width (1280 or 390 px wide)."""

    def _start(persona: str, width_name: str) -> tuple[Journey, Page]:
        journey = Journey(persona, width_name, csp_violations)
        return journey, new_context(viewport=journey.viewport).new_page()

    return _start


@pytest.fixture
def outbox(live_server: LiveServer) -> Outbox:
    return live_server.outbox
