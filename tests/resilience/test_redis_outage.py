"""Redis going away: slow work runs in the request instead (nothing dropped), jobs already
queued survive a Redis restart, rate limits hold in each process's memory, /readyz says so,
and everything goes back to Redis when it returns. Each test stops a Redis of its own."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from brokerage import redis_back_off
from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.jobs import enqueue, work
from tests.helpers.production_stack import Browser, free_port, wait_until_up
from tests.helpers.redis_server import redis_configured
from tests.helpers.web import post_form
from tests.jobs.sample_jobs import create_organisation

ROOT = Path(__file__).resolve().parents[2]


def _names_like(prefix: str) -> list[str]:
    return list(
        db.session.scalars(
            select(Organisation.name)
            .where(Organisation.name.startswith(prefix))
            .order_by(Organisation.name)
        )
    )


def _enqueue_and_commit(name: str) -> str | None:
    job_id = enqueue(create_organisation, name)
    db.session.commit()
    return job_id


def test_while_redis_is_down_jobs_run_in_the_request_and_go_back_to_redis_after_a_pause(
    app, in_app, own_redis, caplog, monkeypatch
):
    with redis_configured(app, own_redis.url, REDIS_RETRY_PAUSE=30):
        assert in_app(lambda: _enqueue_and_commit("Pause Queued"))
        own_redis.stop()
        with caplog.at_level(logging.WARNING, logger="brokerage.redis_back_off"):
            assert in_app(lambda: _enqueue_and_commit("Pause Inline One")) is None
            assert in_app(lambda: _enqueue_and_commit("Pause Inline Two")) is None
        assert caplog.text.count("Redis is unreachable") == 1  # the second did not wait on it
        assert in_app(lambda: _names_like("Pause Inline")) == [
            "Pause Inline One",
            "Pause Inline Two",
        ]

        own_redis.start()
        assert in_app(lambda: _enqueue_and_commit("Pause Still Inline")) is None
        later = time.monotonic() + 31
        monkeypatch.setattr(redis_back_off.time, "monotonic", lambda: later)
        assert in_app(lambda: _enqueue_and_commit("Pause Queued Again"))
        assert in_app(lambda: _names_like("Pause Queued")) == []  # waiting for a worker
        in_app(lambda: work(burst=True))
    # The job queued before Redis stopped was kept too (Redis writes an append-only file).
    assert in_app(lambda: _names_like("Pause Queued")) == ["Pause Queued", "Pause Queued Again"]


def test_a_job_queued_before_redis_restarts_is_still_done(app, in_app, own_redis):
    with redis_configured(app, own_redis.url):
        assert in_app(lambda: _enqueue_and_commit("Survivor Ltd"))
        own_redis.stop()
        own_redis.start()
        in_app(lambda: work(burst=True))
    assert in_app(lambda: _names_like("Survivor")) == ["Survivor Ltd"]


def test_an_invitation_made_while_redis_is_down_is_emailed_from_the_request(
    app, client_for, own_redis
):
    owner = client_for("supplier")
    organisation_page = f"/organisations/{owner.organisation_id}"
    with redis_configured(app, own_redis.url):
        own_redis.stop()
        response = post_form(
            owner,
            f"{organisation_page}/invitations",
            {"email": "while-redis-is-down@example.org", "role": "member"},
            page=organisation_page,
        )
    assert response.status_code == 302
    mails = [path.read_text() for path in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml")]
    assert len(mails) == 1 and "while-redis-is-down@example.org" in mails[0]


@pytest.fixture
def web_on_own_redis(app, own_redis, tmp_path):
    """The app under gunicorn, rate limiting on its own Redis, on this package's database."""
    port = free_port()
    with app.app_context():
        database_url = db.engine.url.render_as_string(hide_password=False)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--config", "gunicorn.conf.py"]
        + ["brokerage:create_app()"],
        cwd=ROOT,
        env={
            **os.environ,
            "BROKERAGE_ENV": "development",
            "SECRET_KEY": "resilience-test-secret-key-0123456789abcdef",
            "DATABASE_URL": database_url,
            "REDIS_URL": own_redis.url,
            "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
            "BIND": f"127.0.0.1:{port}",
            "BROKERAGE_LOGIN_FAILURES_PER_ACCOUNT": "3 per minute",  # each wrong one costs scrypt
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def _wrong_login(browser: Browser, port: int) -> tuple[int, str]:
    return browser.submit(
        port, "/login", "/login", {"email": "nobody@example.org", "password": "not it at all"}
    )


def test_rate_limits_hold_in_memory_while_redis_is_down_and_readyz_says_so(
    web_on_own_redis, own_redis
):
    port, browser = web_on_own_redis, Browser()
    for _ in range(3):
        assert _wrong_login(browser, port)[0] == 200
    assert _wrong_login(browser, port)[0] == 429

    own_redis.stop()
    status, ready = browser.request(port, "GET", "/readyz")
    assert status == 503 and re.search(r'"redis":\s*"unreachable"', ready)
    # The count starts again in this process's memory: sign-in works, and is still limited.
    for _ in range(3):
        status, page = _wrong_login(browser, port)
        assert status == 200 and "Traceback" not in page
    assert _wrong_login(browser, port)[0] == 429

    own_redis.start()
    assert browser.request(port, "GET", "/readyz")[0] == 200


def test_a_page_that_needs_redis_says_so_with_a_503_while_it_is_down(app, staff, own_redis):
    with redis_configured(app, own_redis.url):
        assert staff.get("/admin/jobs").status_code == 200
        own_redis.stop()
        response = staff.get("/admin/jobs")
        as_json = staff.get("/admin/jobs", headers={"Accept": "application/json"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "could not reach a service it needs" in page and "Traceback" not in page
    assert as_json.status_code == 503 and as_json.get_json()["error"] == "unavailable"
