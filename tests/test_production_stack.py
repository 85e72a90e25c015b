"""The production stack keeps no state in its processes: two gunicorn instances on two ports
share one PostgreSQL database and one Redis, so sessions, rate limits, queued jobs and
changes to cached pages made on one are honoured by the other (and by a separate RQ
worker)."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest

from tests.helpers.app import build_test_app
from tests.helpers.production_stack import BIN, NEEDS_POSTGRESQL, ROOT, Browser, production_stack
from tests.helpers.redis_server import STACK_REDIS_URL

pytestmark = NEEDS_POSTGRESQL


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    with production_stack(tmp_path_factory.mktemp("stack"), STACK_REDIS_URL) as running:
        yield running


def _work_jobs(stack: dict[str, object]) -> None:
    """Run the queued jobs (sending mail among them) with a separate worker, as cron would."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "brokerage", "jobs", "work", "--burst"],
        cwd=ROOT,
        env=stack["env"],
        check=True,
        capture_output=True,
        timeout=60,
    )


def _mails(stack: dict[str, object]) -> dict[str, str]:
    """The outbox's messages by file name: their plain text bodies."""
    outbox: Path = stack["outbox"]
    return {
        path.name: BytesParser(policy=policy.default)
        .parsebytes(path.read_bytes())
        .get_body(preferencelist=("plain",))
        .get_content()
        for path in outbox.glob("*.eml")
    }


def _register(browser: Browser, stack: dict[str, object], port: int, email: str) -> None:
    """Register, then confirm by the link the worker emailed; logged in at the end."""
    sent_before = set(_mails(stack))
    status, _ = browser.submit(
        port,
        "/register",
        "/register",
        {
            "name": "Stack Tester",
            "email": email,
            "password": "a long stack password",
            "confirm": "a long stack password",
        },
    )
    assert status == 302
    _work_jobs(stack)
    new_mails = [body for name, body in _mails(stack).items() if name not in sent_before]
    (link,) = [
        m.group(1) for b in new_mails if (m := re.search(r"https?://[^/\s]+(/confirm/\S+)", b))
    ]
    status, _ = browser.submit(port, link, link, {})
    assert status == 302


def test_a_session_made_on_one_instance_is_valid_on_the_other(stack):
    first, second = stack["ports"]
    browser = Browser()
    _register(browser, stack, first, "session@example.org")
    status, page = browser.request(second, "GET", "/account")
    assert status == 200
    assert "session@example.org" in page


def test_a_rate_limit_reached_on_one_instance_holds_on_the_other(stack):
    first, second = stack["ports"]
    browser = Browser()
    wrong = {"email": "nobody@example.org", "password": "not the password at all"}
    for _ in range(10):
        status, _ = browser.submit(first, "/login", "/login", wrong)
        assert status == 200
    status, page = browser.submit(second, "/login", "/login", wrong)
    assert status == 429
    assert "Too many attempts" in page


def test_a_job_queued_by_one_instance_is_done_by_a_worker(stack):
    first, _ = stack["ports"]
    browser = Browser()
    _register(browser, stack, first, "jobs@example.org")
    sent_before = set(_mails(stack))
    status, _ = browser.submit(
        first,
        "/organisations/new",
        "/organisations/new",
        {
            "name": "Stack Co-operative",
            "kind": "supplier",
            "postcode": "OX4 4HH",
            "description": "",
        },
    )
    assert status == 302
    _, page = browser.request(first, "GET", "/organisations/")
    organisation_id = re.search(r"/organisations/(\d+)", page).group(1)
    status, _ = browser.submit(
        first,
        f"/organisations/{organisation_id}",
        f"/organisations/{organisation_id}/invitations",
        {"email": "colleague@example.org", "role": "member"},
    )
    assert status == 302
    assert set(_mails(stack)) == sent_before  # queued, not sent by the web process

    _work_jobs(stack)
    mails = [body for name, body in _mails(stack).items() if name not in sent_before]
    assert len(mails) == 1 and "colleague@example.org" in mails[0]


def test_a_change_saved_on_one_instance_shows_at_once_on_the_other_despite_its_cache(stack):
    first, second = stack["ports"]
    browser = Browser()
    _register(browser, stack, first, "cache@example.org")
    in_header = re.compile(r'class="dropdown-item" href="/organisations/\d+">Cache Co-operative')
    for _ in range(2):  # the header is cached for this person on the second instance
        status, page = browser.request(second, "GET", "/directory/suppliers")
        assert status == 200 and not in_header.search(page)

    status, _ = browser.submit(
        first,
        "/organisations/new",
        "/organisations/new",
        {"name": "Cache Co-operative", "kind": "supplier", "postcode": "OX4 4HH"},
    )
    assert status == 302

    _, page = browser.request(second, "GET", "/directory/suppliers")
    assert in_header.search(page)


PROBE_SEARCH = "/directory/suppliers?q=joinery&postcode=OX1+1ND&radius=100&unit=km"


def _seed_a_supplier() -> None:
    from brokerage.extensions import db
    from brokerage.listings import profiles, service
    from brokerage.toms.service import load_shipped_frameworks
    from tests.factories import OrganisationFactory
    from tests.helpers.directory import offer_fields

    load_shipped_frameworks()
    organisation = OrganisationFactory(
        name="Probe Joinery", kind="supplier", postcode="OX4 4HH", description="Joinery."
    )
    profiles.save_profile(organisation, profiles.ProfileFields())
    service.create_listing(organisation, offer_fields("Joinery")).status = "published"
    db.session.commit()


def _distances(port: int, times: int = 6) -> set[str]:
    """The supplier's distance as each of several searches shows it (gunicorn hands them
    to both workers of the instance)."""
    shown = set()
    for _ in range(times):
        status, page = Browser().request(port, "GET", PROBE_SEARCH)
        assert status == 200 and "Probe Joinery" in page
        shown.update(re.findall(r"([\d.]+) km away", page))
    return shown


def test_a_supplier_moved_by_another_process_shows_its_new_distance_on_every_worker(
    tmp_path_factory, monkeypatch
):
    """The issue's probe: two instances of two gunicorn workers each, PostgreSQL and Redis;
    every worker has built its index and Redis holds the page before the move."""
    from sqlalchemy import update

    from brokerage.accounts.models import Organisation
    from brokerage.extensions import db

    # Sessions on the apps' own engines, not the suite's rolled-back connection.
    monkeypatch.setattr(db, "session", db._make_scoped_session({}))
    tmp = tmp_path_factory.mktemp("probe")
    with production_stack(tmp, STACK_REDIS_URL, _seed_a_supplier, WEB_CONCURRENCY="2") as running:
        ports = running["ports"]
        assert set().union(*(_distances(port) for port in ports)) == {"3.2"}

        other = build_test_app(running["env"]["DATABASE_URL"], str(tmp / "other-outbox"))
        with other.app_context():  # another process: its own engine and session
            db.session.execute(update(Organisation).values(postcode="OX16 0AH"))
            db.session.commit()
            db.engine.dispose()

        after = set().union(*(_distances(port) for port in ports))
        assert len(after) == 1 and after != {"3.2"}
