"""The production stack on loopback ports, for the tests that run it as it runs in
production: gunicorn instances on a PostgreSQL database of their own and a Redis, and just
enough of a browser to talk to them."""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from redis import Redis

from tests.helpers.app import ON_POSTGRES, build_test_app, fresh_database

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

# The mark of a module that runs the stack: production runs on PostgreSQL only.
NEEDS_POSTGRESQL = pytest.mark.skipif(
    not ON_POSTGRES, reason="production runs on PostgreSQL: run with TEST_DATABASE_URL"
)


def free_port() -> int:
    """A TCP port on loopback that nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Browser:
    """Just enough of a browser: keeps cookies (Secure ones too, as TLS would) and CSRF."""

    cookies: dict[str, str] = field(default_factory=dict)
    # The client's own address: any of 127.0.0.0/8 is this machine, so each can be a client.
    source: str = "127.0.0.1"
    # The headers of the last response.
    headers: http.client.HTTPMessage | None = None

    def request(self, port: int, method: str, path: str, form: dict[str, str] | None = None):
        connection = http.client.HTTPConnection(
            "127.0.0.1", port, timeout=10, source_address=(self.source, 0)
        )
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        self.headers = response.headers
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return response.status, text

    def submit(self, port: int, page: str, action: str, form: dict[str, str]):
        _, html = self.request(port, "GET", page)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        return self.request(port, "POST", action, {"csrf_token": token, **form})


@contextmanager
def production_stack(
    tmp: Path,
    redis_url: str,
    prepare: Callable[[], None] = lambda: None,
    **settings: str,
) -> Iterator[dict[str, object]]:
    """Two gunicorn instances with production settings (and `settings` in their
    environment) on a new PostgreSQL database, which `prepare` may fill first in an app
    context, sharing the Redis at `redis_url`."""
    Redis.from_url(redis_url).flushdb()
    with fresh_database(tmp, tmp.name) as url:
        schema_app = build_test_app(url, str(tmp / "unused-outbox"))
        with schema_app.app_context():
            from brokerage.extensions import db

            prepare()
            db.engine.dispose()
        env = {
            **os.environ,
            "BROKERAGE_ENV": "production",
            "SECRET_KEY": "stack-test-secret-key-0123456789abcdef",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "FORCE_HTTPS": "0",
            "BASE_URL": "http://127.0.0.1",
            "MAIL_OUTBOX_DIR": str(tmp / "outbox"),
            "WEB_CONCURRENCY": "1",
            "LOG_LEVEL": "WARNING",
            **settings,
        }
        ports = [free_port(), free_port()]
        servers = [
            subprocess.Popen(
                [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "brokerage:create_app()"],
                cwd=ROOT,
                env={**env, "BIND": f"127.0.0.1:{port}"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        try:
            for port in ports:
                wait_until_up(port)
            yield {"ports": ports, "env": env, "outbox": tmp / "outbox"}
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)
            Redis.from_url(redis_url).flushdb()


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 90  # four workers booting on a busy 2-core machine
    while time.monotonic() < deadline:
        try:
            status, _ = Browser().request(port, "GET", "/readyz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not become ready")
