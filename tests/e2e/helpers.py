"""What a person does in the browser, step by step, and the checks run on every page."""

from __future__ import annotations

import itertools
import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from brokerage.accounts import service as accounts
from brokerage.accounts.models import Membership, Organisation, User
from brokerage.extensions import db
from brokerage.mail import OutboxMessage, read_outbox

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
# The persona journeys' screenshots, journey-<persona>-<width>-<step>.png: kept apart (and
# never emptied) so they can go where people review them (JOURNEY_SHOTS=/work/notes/shots).
JOURNEY_SHOTS = Path(os.environ.get("JOURNEY_SHOTS") or SCREENSHOTS)
WIDTHS = {"wide": 1280, "phone": 390}
# The class Bootstrap gives a collapsed menu once it has finished opening.
SHOWN = re.compile(r"(^|\s)show(\s|$)")
BLOCKING_IMPACTS = {"serious", "critical"}
LINK = re.compile(r"https?://\S+")
PASSWORD = "a long walk by the Cherwell"

_axe = Axe()

CheckPage = Callable[[Page, str], None]
Outbox = Callable[[str], list[OutboxMessage]]


def check_page_accessible(page: Page, name: str) -> None:
    """Save a full-page screenshot, then fail on serious or critical axe-core violations."""
    page.wait_for_load_state("load")
    violations = [
        violation
        for violation in _axe.run(page).response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    assert not violations, f"axe-core on {name} ({page.url}):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in violations
    )


def unique(word: str) -> str:
    """A name no other test in this session uses: the live server's data persists."""
    return f"{word}-{uuid.uuid4().hex[:8]}"


def link_in(message: OutboxMessage) -> str:
    match = LINK.search(message.body)
    assert match, f"no link in the email {message.subject!r}:\n{message.body}"
    return match.group(0)


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str = PASSWORD

    @classmethod
    def new(cls, first_name: str) -> Person:
        tag = uuid.uuid4().hex[:8]
        return cls(name=f"{first_name} Tester", email=f"{first_name.lower()}-{tag}@example.org")


def new_member(organisation: Organisation | None, first_name: str, **roles: bool) -> User:
    """An account made through the services (in an app context), a member of
    `organisation` if given, with the platform roles asked for (staff, task_force)."""
    person = Person.new(first_name)
    user = accounts.register_user(person.email, person.name, person.password)
    accounts.set_platform_roles(
        user, staff=roles.get("staff", False), task_force=roles.get("task_force", False)
    )
    if organisation is not None:
        db.session.add(Membership(user=user, organisation=organisation, role="member"))
    db.session.flush()
    return user


def fill_registration(page: Page, person: Person, *, email: bool = True) -> None:
    page.get_by_label("Your name").fill(person.name)
    if email:
        page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_label("Repeat the password").fill(person.password)
    page.get_by_role("button", name="Create account").click()


def confirm_email(page: Page, check: CheckPage, outbox: Outbox, person: Person) -> None:
    """From 'Check your email', open the newest confirmation link emailed and press its
    button; ends wherever registration was going next."""
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(f"We have sent a link to {person.email}")
    check(page, "check-your-email")
    confirmations = [
        m for m in outbox(person.email) if m.subject.strip() == "Confirm your email address"
    ]
    page.goto(link_in(confirmations[-1]))
    expect(page.get_by_role("heading", name="Confirm your email address")).to_be_visible()
    check(page, "confirm-email")
    page.get_by_role("button", name="Confirm my email address").click()


def register(page: Page, check: CheckPage, outbox: Outbox, person: Person) -> None:
    """From the home page, create an account and confirm it by the emailed link; ends on
    'Set up an organisation'."""
    page.goto("/")
    check(page, "home")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    check(page, "register")
    fill_registration(page, person)
    confirm_email(page, check, outbox, person)
    expect(page.get_by_role("heading", name="Set up an organisation")).to_be_visible()
    check(page, "new-organisation")


def create_organisation(page: Page, check: CheckPage, name: str, kind: str) -> None:
    """On 'Set up an organisation', fill the form; ends on the organisation's page."""
    page.get_by_label("Organisation name").fill(name)
    page.get_by_role("radio", name=kind).check()
    page.get_by_label("Postcode").fill("ox44hh")
    page.get_by_label("What the organisation does").fill(
        "We repair bicycles in East Oxford and train young people as mechanics.\n"
        "Volunteers welcome on Saturdays."
    )
    page.get_by_role("button", name="Save organisation").click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()
    check(page, "organisation")


def follow_nav(page: Page, name: str) -> None:
    """Click a link of the main navigation, opening it first where it is folded behind
    its button (on a phone)."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def list_an_offer(page: Page, check: CheckPage) -> None:
    """As the supplier's owner, on its page: fill in the profile, then list and publish
    an offer of carpentry apprenticeships."""
    page.get_by_role("main").get_by_role("link", name="Profile").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Sector").select_option(label="Construction and building")
    page.get_by_label("Size").select_option("small")
    page.get_by_label("Pays the real Living Wage").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    check(page, "supplier-profile")

    follow_nav(page, "Your listings")
    page.get_by_role("link", name="New social value offer").click()
    page.get_by_label("Title").fill("Carpentry apprenticeships")
    page.get_by_label("Description").fill(
        "Two carpentry apprenticeships a year for young people from Blackbird Leys."
    )
    page.get_by_label("Category").select_option(label="Construction and building")
    page.locator("#measures-OIEP-S6").check()
    page.get_by_label("Quantity of OIEP-S6", exact=False).fill("40")
    check(page, "new-offer")
    page.get_by_role("button", name="Save offer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Carpentry apprenticeships")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("is published")
    check(page, "offer-published")


def fill_charter_sign_up(page: Page, name: str, plans: dict[str, str]) -> None:
    """On 'Sign the Inclusive Economy Charter': a small private-sector supplier's details
    and, for each pledge named (its code and title), what the organisation plans to do."""
    page.get_by_label("Organisation name").fill(name)
    page.get_by_role("radio", name=re.compile("^Supplier")).check()
    page.get_by_label("Postcode").fill("ox41aa")
    page.get_by_role("radio", name="Private sector").check()
    page.get_by_label("Size").select_option(label="Small (10 to 49 employees)")
    page.get_by_label("Number of employees").fill("18")
    page.get_by_label("Contact name").fill("Bea Baker")
    page.get_by_label("Contact email address").fill(f"bea-{uuid.uuid4().hex[:6]}@example.org")
    for pledge, plan in plans.items():
        box = page.locator("div.border.rounded").filter(has_text=pledge).first
        box.get_by_role("checkbox").check()
        box.get_by_label("What you plan to do").fill(plan)


def invite(page: Page, check: CheckPage, email: str) -> None:
    """On an organisation's page, as its owner, invite `email` as a member."""
    page.get_by_label("Their email address").fill(email)
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text(f"We have emailed an invitation to {email}")
    check(page, "invited")


def log_out(page: Page, check: CheckPage) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged out.")
    check(page, "logged-out")


def log_in(page: Page, check: CheckPage, email: str, password: str) -> None:
    page.goto("/login")
    check(page, "login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def accept_invitation(
    page: Page, check: CheckPage, outbox: Outbox, link: str, person: Person
) -> None:
    """As someone without an account: open the link, register, confirm, accept."""
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile(r"^Join "))).to_be_visible()
    check(page, "invitation")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.get_by_label("Email address")).to_have_value(person.email)
    query = parse_qs(urlsplit(page.url).query)
    assert query == {"email": [person.email], "next": [urlsplit(link).path]}, page.url
    check(page, "register-invited")
    fill_registration(page, person, email=False)
    confirm_email(page, check, outbox, person)
    expect(page.get_by_role("button", name="Accept the invitation")).to_be_visible()
    check(page, "invitation-logged-in")
    page.get_by_role("button", name="Accept the invitation").click()


def contrast_findings(page: Page, selector: str) -> list[str]:
    """Every axe-core colour-contrast result inside `selector` that is not a pass: its
    violations and its *incomplete* results (axe files a 1:1 contrast, white on white, as
    incomplete when it cannot be sure of the background). Axe cannot measure the text of
    an SVG chart at all (it files each as incomplete): that text is measured here instead,
    its fill against the page behind the chart."""
    results = _axe.run(
        page,
        context=selector,
        options={"runOnly": {"type": "rule", "values": ["color-contrast"]}},
    ).response
    findings = [
        f"{kind}: {' '.join(node['target'])}: {node.get('failureSummary') or node['html']}"
        for kind in ("violations", "incomplete")
        for result in results[kind]
        for node in result["nodes"]
        if not (kind == "incomplete" and node["html"].startswith("<text"))
    ]
    return findings + [
        f"SVG text {text!r}: contrast {ratio:.2f}:1, under 4.5:1"
        for text, ratio in page.evaluate(SVG_TEXT_CONTRAST, selector)
        if ratio < MIN_CONTRAST
    ]


# The smallest chart text on screen, in CSS pixels: its font size times the SVG's scale.
SMALLEST_CHART_TEXT = """() => Math.min(Infinity, ...[...document.querySelectorAll('main svg text')]
    .filter(t => t.textContent.trim())
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.ownerSVGElement.getScreenCTM().a))"""
MIN_CHART_TEXT = 12

MIN_CONTRAST = 4.5
# [text, contrast ratio] for each SVG text in `selector`: its fill against the first
# opaque background behind its SVG (white if none), by WCAG's relative luminance.
SVG_TEXT_CONTRAST = """selector => {
    const rgb = colour => (colour.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => [r, g, b]
        .map(c => c / 255)
        .map(c => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const behind = element => {
        for (let e = element; e; e = e.parentElement) {
            const colour = rgb(getComputedStyle(e).backgroundColor);
            if (colour.length === 3 || colour[3] === 1) return colour.slice(0, 3);
        }
        return [255, 255, 255];
    };
    return [...document.querySelectorAll(`${selector} svg text`)]
        .filter(t => t.textContent.trim())
        .map(t => {
            const [a, b] = [luminance(rgb(getComputedStyle(t).fill)),
                            luminance(behind(t.ownerSVGElement))].sort((x, y) => y - x);
            return [t.textContent.trim(), (a + 0.05) / (b + 0.05)];
        });
}"""


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str

    def outbox(self, to: str) -> list[OutboxMessage]:
        """The mail the app has sent to `to`, oldest first."""
        with self.app.app_context():
            return read_outbox(to=to)


def scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


@dataclass
class Journey:
    """One persona's walk through the site at one width. `journey(page, step)` checks the
    loaded page: axe-core's serious and critical violations, any colour-contrast result
    (incomplete ones too), a page wider than the screen, CSP violations; and keeps a
    full-page screenshot, journey-<persona>-<width>-<step>.png."""

    persona: str
    width_name: str
    csp_violations: list[str]
    steps: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def viewport(self) -> dict[str, int]:
        return {"width": WIDTHS[self.width_name], "height": 844}

    def shot(self, step: str) -> str:
        return f"journey-{self.persona}-{self.width_name}-{next(self.steps):02d}-{step}"

    def __call__(self, page: Page, step: str, contrast_in: str = "body") -> None:
        """`contrast_in`: where to look for contrast results; an open menu covers the page
        under it, which axe then cannot measure (so with a menu open, the header)."""
        name = self.shot(step)
        page.wait_for_load_state("load")
        findings = [
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(node["target"]) for node in v["nodes"])
            for v in _axe.run(page).response["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        findings += contrast_findings(page, contrast_in)
        page.screenshot(path=JOURNEY_SHOTS / f"{name}.png", full_page=True)
        assert not findings, f"axe-core on {name} ({page.url}):\n" + "\n".join(findings)
        assert not scrolls_sideways(page), f"{name} ({page.url}) scrolls sideways"
        assert not self.csp_violations, f"CSP violations by {name}:\n" + "\n".join(
            self.csp_violations
        )

    def open_menus(self, page: Page, step: str) -> None:
        """Open the navigation (behind its button on a phone) and each of its menus in
        turn, checking and screenshotting each one open."""
        toggler = page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            # Shown once Bootstrap's collapse transition ends: axe measuring mid-slide finds
            # the brand overlapped by the sliding menu.
            expect(page.locator("#main-nav")).to_have_class(SHOWN)
        toggles = page.locator(".navbar .dropdown-toggle")
        for number in range(toggles.count()):
            toggles.nth(number).click()
            expect(page.locator(".navbar .dropdown-menu.show")).to_be_visible()
            self(page, f"{step}-menu{number + 1}", contrast_in="header")
            page.keyboard.press("Escape")
        if toggler.is_visible():
            self(page, f"{step}-menu-open", contrast_in="header")
            toggler.click()
            expect(page.locator("#main-nav")).to_be_hidden()


@contextmanager
def serving(app: Flask) -> Iterator[LiveServer]:
    """The app served on a free loopback port until the block ends, then its connections
    closed. Emailed links lead back to this server, as they would to the real site."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=app.config["BASE_URL"])
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
