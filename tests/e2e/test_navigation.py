"""The navigation bar for each kind of person, at 1280 and 390 px: every menu opened,
every link legible (no colour-contrast result from axe, incomplete ones included), every
menu inside the screen, one line at 1280 px and folded behind a button at 390 px."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Membership, Organisation
from brokerage.extensions import db
from tests.e2e.helpers import SCREENSHOTS, LiveServer, Person, contrast_findings

pytestmark = pytest.mark.e2e

WIDE, PHONE = 1280, 390
# The demo's longest names (brokerage/demo/data.py), so the bar is tried at its fullest.
LONG_NAMES = {
    "beneficiary": "Assisted Reading for Children (ARCh)",
    "supplier": "Thames Valley Print Works and Community Design Studio",
    "partner": "Oxfordshire Inclusive Economy Partnership",
    "buyer": "Oxfordshire County Council Procurement",
}
# Who the bar is tried for: their organisations' kinds and platform roles.
KINDS_OF_PERSON: dict[str, tuple[tuple[str, ...], dict[str, bool]]] = {
    "signed-out": ((), {}),
    "supplier": (("supplier",), {}),
    "beneficiary": (("beneficiary",), {}),
    "buyer": (("buyer",), {}),
    "several": (("supplier", "beneficiary", "buyer"), {}),
    "task-force": (("partner",), {"task_force": True}),
    "staff": (("partner",), {"staff": True}),
}


def _make_person(live_server: LiveServer, who: str) -> Person | None:
    kinds, roles = KINDS_OF_PERSON[who]
    if who == "signed-out":
        return None
    person = Person(
        name=f"Volunteering lead for {who} (demo)",
        email=f"nav-{who}-{uuid.uuid4().hex[:8]}@example.org",
    )
    with live_server.app.app_context():
        user = accounts.register_user(person.email, person.name, person.password)
        accounts.set_platform_roles(
            user, staff=roles.get("staff", False), task_force=roles.get("task_force", False)
        )
        for kind in kinds:
            organisation = Organisation(
                name=f"{LONG_NAMES[kind]} {uuid.uuid4().hex[:4]}", kind=kind, postcode="OX4 1HG"
            )
            db.session.add_all([organisation, Membership(user=user, organisation=organisation)])
        db.session.commit()
        db.session.remove()
    return person


def _log_in(page: Page, person: Person) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in.")


def _assert_legible(page: Page, shot: str) -> None:
    page.screenshot(path=SCREENSHOTS / f"{shot}.png")
    findings = contrast_findings(page, "header")
    assert not findings, f"colour contrast in the navigation ({shot}):\n" + "\n".join(findings)


def _assert_inside_screen(page: Page, shot: str) -> None:
    width = page.evaluate("window.innerWidth")
    for menu in page.locator(".navbar .dropdown-menu.show").all():
        box = menu.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{shot}: a menu reaches from {box['x']} to {box['x'] + box['width']} px "
            f"on a screen {width} px wide"
        )


@pytest.mark.parametrize("who", list(KINDS_OF_PERSON))
@pytest.mark.parametrize("width", [WIDE, PHONE])
def test_every_navigation_menu_is_legible_and_on_screen(
    live_server: LiveServer,
    new_context: Callable[..., BrowserContext],
    who: str,
    width: int,
) -> None:
    person = _make_person(live_server, who)
    page = new_context(viewport={"width": width, "height": 844}).new_page()
    if person is not None:
        _log_in(page, person)
    page.goto("/")
    shot = f"navigation-{who}-{width}"
    toggler = page.locator(".navbar-toggler")
    if width == PHONE:
        # Folded behind one button, which opens a list that fits the screen.
        expect(toggler).to_be_visible()
        expect(page.locator("#main-nav")).to_be_hidden()
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()
    else:
        expect(toggler).to_be_hidden()
        tops = page.locator(".navbar .navbar-nav > .nav-item").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
        )
        assert len(set(tops)) == 1, f"{shot}: the bar wraps onto {len(set(tops))} lines"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), shot
    _assert_legible(page, f"{shot}-bar")
    toggles = page.locator(".navbar .dropdown-toggle")
    for number in range(toggles.count()):
        toggles.nth(number).click()
        menu = page.locator(".navbar .dropdown-menu.show")
        expect(menu).to_be_visible()
        for item in menu.locator(".dropdown-item").all():
            expect(item).to_be_visible()
        _assert_inside_screen(page, shot)
        _assert_legible(page, f"{shot}-menu{number + 1}")
        page.keyboard.press("Escape")
