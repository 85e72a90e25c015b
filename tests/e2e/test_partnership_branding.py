"""Issue 20 point 6, in the browser: the fictional Exampleshire's home page, served from its
own configuration folder, wears the colours of its [branding] table at 1280 px, passes
axe-core and raises no content security policy violation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext

from tests.e2e.helpers import CheckPage, LiveServer, serving
from tests.helpers.app import EXAMPLESHIRE, build_test_app, fresh_database

pytestmark = pytest.mark.e2e

WIDE = {"width": 1280, "height": 900}
# Exampleshire's brand and hero colours (tests/partnership/exampleshire/partnership.toml).
BRAND = "rgb(45, 106, 79)"
HERO = "rgb(230, 244, 234)"
BACKGROUND = "selector => getComputedStyle(document.querySelector(selector)).backgroundColor"


@pytest.fixture(scope="module")
def exampleshire(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with fresh_database(tmp_path_factory.mktemp("exampleshire-db"), "e2e_brand") as url:
        outbox = str(tmp_path_factory.mktemp("exampleshire-outbox"))
        with serving(build_test_app(url, outbox, PARTNERSHIP_FOLDER=str(EXAMPLESHIRE))) as server:
            yield server


def test_exampleshires_home_page_wears_its_own_colours(
    exampleshire: LiveServer,
    new_context: Callable[..., BrowserContext],
    check_page: CheckPage,
) -> None:
    page = new_context(viewport=WIDE).new_page()
    page.goto(exampleshire.url + "/")

    check_page(page, "exampleshire-home-1280")

    navbar = page.locator("nav.bg-brand")
    assert navbar.evaluate("e => getComputedStyle(e).backgroundColor") == BRAND
    hero = page.evaluate(BACKGROUND, ".hero")
    assert hero == HERO, hero
