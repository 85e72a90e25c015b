"""What the load benchmark and its profiler share: the benchmark's own database and Redis,
the production settings they run with and the staff sign-in (what users ask for is in
`bench.draws`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import make_url

from brokerage.demo.data import demo_data

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# Each benchmark has a Redis database of its own, so that one run never serves another's
# cold pages nor empties its cache: bench.load empties its own before each phase, and each
# bench.pages run keeps its entries under a prefix of its own besides (two engineers may run
# it at once). Both lie below the test suite's databases (tests/helpers/redis_server.py
# takes them from 15 down, three a pytest-xdist worker) and above the app's own 0.
LOAD_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
PAGES_REDIS_URL = os.environ.get("BENCH_PAGES_REDIS_URL", "redis://127.0.0.1:6379/2")
DATABASE = "brokerage_bench"
# The published demo accounts of the default partnership, which the benchmark seeds.
STAFF_EMAIL = demo_data().first_user(staff=True).email
DEMO_PASSWORD = demo_data().password


def production_env(redis_url: str, **more: str) -> dict[str, str]:
    """The environment of the benchmark's app: production settings, the benchmark's own
    database and `redis_url`; `more` adds or overrides variables."""
    database_url = make_url(SERVER_URL).set(database=DATABASE).render_as_string(False)
    return {
        **os.environ,
        "BROKERAGE_ENV": "production",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "2",
        "FORCE_HTTPS": "0",
        "BASE_URL": "http://127.0.0.1",
        # Plain HTTP on loopback: cookies may not be Secure, or no client sends them back.
        "BROKERAGE_SESSION_COOKIE_SECURE": "false",
        "BROKERAGE_REMEMBER_COOKIE_SECURE": "false",
        "MAIL_OUTBOX_DIR": str(ROOT / "instance" / "bench-outbox"),
        **more,
    }


def login_form(page: str) -> dict[str, str]:
    """The sign-in form's fields for staff, with the CSRF token from the login page."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return {
        "csrf_token": token.group(1) if token else "",
        "email": STAFF_EMAIL,
        "password": DEMO_PASSWORD,
    }
