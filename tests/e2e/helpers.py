"""What a person does in the browser, step by step, and the checks run on every page."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from brokerage.extensions import db
from brokerage.mail import OutboxMessage, read_outbox

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
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
    incomplete when it cannot be sure of the background)."""
    results = _axe.run(
        page,
        context=selector,
        options={"runOnly": {"type": "rule", "values": ["color-contrast"]}},
    ).response
    return [
        f"{kind}: {' '.join(node['target'])}: {node.get('failureSummary') or node['html']}"
        for kind in ("violations", "incomplete")
        for result in results[kind]
        for node in result["nodes"]
    ]


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str

    def outbox(self, to: str) -> list[OutboxMessage]:
        """The mail the app has sent to `to`, oldest first."""
        with self.app.app_context():
            return read_outbox(to=to)


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
