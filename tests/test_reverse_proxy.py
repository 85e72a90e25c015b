"""Behind a real reverse proxy: Debian's nginx on a loopback port in front of two gunicorn
instances (one PostgreSQL database, one Redis for the limits), setting X-Forwarded-For
from the address each client connects from. Clients are told apart by binding to
127.0.0.2, 127.0.0.3...: all this machine, each a different address to nginx."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from brokerage.accounts import service
from brokerage.extensions import db
from tests.helpers.production_stack import (
    NEEDS_POSTGRESQL,
    Browser,
    free_port,
    production_stack,
    wait_until_up,
)
from tests.helpers.redis_server import PROXY_REDIS_URL

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PASSWORD = "a long proxy password"
WRONG = "not the password at all"
PEOPLE = ("person@example.org", "victim@example.org", "other@example.org")
QUARTER_HOUR = 15 * 60

pytestmark = [
    NEEDS_POSTGRESQL,
    pytest.mark.skipif(
        not Path(NGINX).exists(), reason="needs nginx: run scripts/ensure-services.sh"
    ),
]

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    upstream brokerage {{
        server 127.0.0.1:{first};
        server 127.0.0.1:{second};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://brokerage;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host $http_host;
        }}
    }}
}}
"""


def _people() -> None:
    for email in PEOPLE:
        service.register_user(email, "Proxy Tester", PASSWORD)
    db.session.commit()


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The port nginx answers on, in front of the two instances."""
    tmp = tmp_path_factory.mktemp("proxy")
    with production_stack(
        tmp,
        PROXY_REDIS_URL,
        _people,
        PROXY_HOPS="1",
        BROKERAGE_LOGIN_FAILURES_PER_ACCOUNT="3 per 15 minutes",
        BROKERAGE_LOGIN_FAILURES_PER_ADDRESS="5 per 15 minutes",
    ) as stack:
        first, second = stack["ports"]
        port = free_port()
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, first=first, second=second, port=port))
        nginx = subprocess.Popen(
            [NGINX, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(port)
            yield port
        finally:
            nginx.terminate()
            nginx.wait(timeout=20)


def _log_in(port: int, source: str, email: str, password: str) -> tuple[int, str]:
    """One log-in through the proxy, from a new browser at `source`."""
    return _log_in_as(Browser(source=source), port, email, password)


def _log_in_as(browser: Browser, port: int, email: str, password: str) -> tuple[int, str]:
    return browser.submit(port, "/login", "/login", {"email": email, "password": password})


def test_failures_from_one_address_do_not_block_a_person_at_another(proxy):
    known = Browser(source="127.0.0.2")
    assert _log_in_as(known, proxy, "person@example.org", PASSWORD)[0] == 302
    sprayed = [_log_in(proxy, "127.0.0.2", f"guess{n}@example.org", WRONG)[0] for n in range(5)]

    assert sprayed == [200] * 5
    assert _log_in(proxy, "127.0.0.2", "guess5@example.org", WRONG)[0] == 429
    assert _log_in(proxy, "127.0.0.3", "person@example.org", PASSWORD)[0] == 302
    # At the blocked address, a new browser waits; one that logged in there before does not.
    assert _log_in(proxy, "127.0.0.2", "person@example.org", PASSWORD)[0] == 429
    again = Browser({"signed_in_before": known.cookies["signed_in_before"]}, "127.0.0.2")
    assert _log_in_as(again, proxy, "person@example.org", PASSWORD)[0] == 302


def test_failures_against_one_account_do_not_block_another_account_at_the_same_address(proxy):
    wrong = [_log_in(proxy, "127.0.0.4", "victim@example.org", WRONG)[0] for _ in range(3)]

    assert wrong == [200] * 3
    assert _log_in(proxy, "127.0.0.4", "victim@example.org", PASSWORD)[0] == 429
    assert _log_in(proxy, "127.0.0.4", "other@example.org", PASSWORD)[0] == 302


def test_sixty_successful_log_ins_from_one_address_are_never_refused(proxy):
    statuses = [_log_in(proxy, "127.0.0.5", "person@example.org", PASSWORD)[0] for _ in range(60)]

    assert statuses == [302] * 60


def test_a_blocked_client_is_told_the_wait_of_the_window_it_hit(proxy):
    started = time.monotonic()
    for n in range(5):
        _log_in(proxy, "127.0.0.6", f"someone{n}@example.org", WRONG)
    browser = Browser(source="127.0.0.6")

    status, page = _log_in_as(browser, proxy, "someone5@example.org", WRONG)
    waited = time.monotonic() - started

    assert status == 429
    assert QUARTER_HOUR - waited - 2 <= int(browser.headers["Retry-After"]) <= QUARTER_HOUR + 1
    assert re.search(r"Try again in (14|15) minutes\.", page)
