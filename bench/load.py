"""Load benchmark: the production stack on loopback, driven by locust headless.

It makes its own PostgreSQL database with the demo data, starts gunicorn (production
settings, 2 workers, Redis for the rate limiter), and runs three phases with the same
number of simulated users, each without think time (so requests per second is capacity):

1. the baseline: `GET /healthz` alone (the whole middleware stack, no database);
2. a realistic mix, signed in as staff and as a supplier: the home page, the directory,
   listing pages, live matches pages, delivery plan pages and JSON API reads;
3. with `--solo`, each page of the mix alone, for its own requests per second.

It prints requests per second, p50/p95/p99 and errors per endpoint, and each as a ratio to
the baseline measured in the same run, as Markdown for README. Not a test: it asserts
nothing, and locust shares the machine with gunicorn and PostgreSQL.

    .venv/bin/python -m bench.load [--users 20] [--seconds 30] [--solo]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.stats import RequestStats, StatsEntry
from redis import Redis
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
DATABASE = "brokerage_bench"
PORT = 8093
DEMO_PASSWORD = "oxfordshire-demo-2023"  # noqa: S105 (the published demo accounts)
WARM_UP_SECONDS = 3
# Simulated users that have signed in and found their pages; measuring starts after all have.
READY: set[int] = set()


def _run(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 (our own executables, fixed arguments)
        [str(BIN / "flask"), "--app", "brokerage", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def prepare_database(env: dict[str, str], keep: bool) -> None:
    """A fresh database of the benchmark's own (never the tests'), migrated and seeded."""
    admin = create_engine(SERVER_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": DATABASE}
        )
        if exists and keep:
            return
        connection.execute(text(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    admin.dispose()
    print("Migrating and loading the demo data ...", flush=True)
    _run("db", "upgrade", "heads", env=env)
    _run("seed-demo", env=env)


def start_web(env: dict[str, str]) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "brokerage:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/readyz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("gunicorn did not become ready; run it by hand to see why")


def production_env() -> dict[str, str]:
    database_url = make_url(SERVER_URL).set(database=DATABASE).render_as_string(False)
    return {
        **os.environ,
        "BROKERAGE_ENV": "production",
        "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "BIND": f"127.0.0.1:{PORT}",
        "WEB_CONCURRENCY": "2",
        "FORCE_HTTPS": "0",
        # Plain HTTP on loopback: cookies may not be Secure, or no client sends them back.
        "BROKERAGE_SESSION_COOKIE_SECURE": "false",
        "BROKERAGE_REMEMBER_COOKIE_SECURE": "false",
        # Every simulated user signs in from 127.0.0.1, which the login limit would refuse.
        "BROKERAGE_AUTH_RATE_LIMIT": "100000 per minute",
        "MAIL_OUTBOX_DIR": str(ROOT / "instance" / "bench-outbox"),
    }


class _SignedIn(FastHttpUser):
    """A person who signs in once, finds the pages they may see, then browses."""

    abstract = True
    wait_time = constant(0)
    email = ""
    # (page, link pattern): where this person finds the ids of the pages they browse.
    discover: tuple[tuple[str, str], ...] = ()

    def on_start(self) -> None:
        page = self.client.get("/login", name="GET /login").text or ""
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        response = self.client.post(
            "/login",
            data={
                "csrf_token": token.group(1) if token else "",
                "email": self.email,
                "password": DEMO_PASSWORD,
            },
            name="POST /login",
        )
        if "/login" in (response.url or ""):
            raise RuntimeError(f"{self.email} could not sign in")
        self.links = {pattern: self._links(page, pattern) for page, pattern in self.discover}
        READY.add(id(self))

    def _links(self, page: str, pattern: str) -> list[str]:
        found = sorted(set(re.findall(pattern, self.client.get(page, name="discover").text or "")))
        if not found:
            raise RuntimeError(f"no link like {pattern} on {page}")
        return found

    def _one(self, pattern: str) -> str:
        return random.choice(self.links[pattern])

    def page(self, path: str, name: str) -> None:
        """A page counts as an error if it fails or sends the user back to sign in."""
        with self.client.get(path, name=name, catch_response=True) as response:
            if response.status_code >= 400 or "/login" in (response.url or ""):
                response.failure(f"{response.status_code} at {response.url}")


NEED = r'href="(/needs/\d+)"'
OPPORTUNITY = r'href="(/opportunities/\d+)"'
ACTION = r'href="(/plan/actions/\d+)"'
ORGANISATION = r'href="(/organisations/\d+)"'


class Staff(_SignedIn):
    email = "staff@oiep.example.org"
    discover = (
        ("/directory/needs", NEED),
        ("/directory/opportunities", OPPORTUNITY),
        ("/plan/actions", ACTION),
    )

    @task(2)
    def plan_overview(self) -> None:
        self.page("/plan/", "GET /plan/")

    @task(2)
    def plan_actions(self) -> None:
        self.page("/plan/actions", "GET /plan/actions")

    @task(2)
    def plan_action(self) -> None:
        self.page(self._one(ACTION), "GET /plan/actions/[id]")

    @task(3)
    def need_matches(self) -> None:
        self.page("/matching" + self._one(NEED), "GET /matching/needs/[id]")

    @task(2)
    def opportunity_matches(self) -> None:
        self.page("/matching" + self._one(OPPORTUNITY), "GET /matching/opportunities/[id]")

    @task(2)
    def api_matches(self) -> None:
        self.page("/api/v1" + self._one(NEED) + "/matches", "GET /api/v1/needs/[id]/matches")


class Supplier(_SignedIn):
    email = "sales@tvprint.example.org"
    discover = (
        ("/directory/needs", NEED),
        ("/directory/opportunities", OPPORTUNITY),
        ("/", ORGANISATION),
    )

    @task(3)
    def home(self) -> None:
        self.page("/", "GET /")

    @task(3)
    def search_suppliers(self) -> None:
        self.page("/directory/suppliers", "GET /directory/suppliers")

    @task(2)
    def search_needs(self) -> None:
        self.page("/directory/needs", "GET /directory/needs")

    @task(2)
    def need(self) -> None:
        self.page(self._one(NEED), "GET /needs/[id]")

    @task(2)
    def opportunity(self) -> None:
        self.page(self._one(OPPORTUNITY), "GET /opportunities/[id]")

    @task(2)
    def opportunities_for_you(self) -> None:
        path = "/matching" + self._one(ORGANISATION) + "/opportunities-for-you"
        self.page(path, "GET /matching/organisations/[id]/opportunities-for-you")

    @task(2)
    def api_search(self) -> None:
        self.page("/api/v1/opportunities", "GET /api/v1/opportunities")


class Baseline(FastHttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="GET /healthz")


@dataclass(frozen=True)
class Row:
    name: str
    requests: int
    per_second: float
    p50: int
    p95: int
    p99: int
    errors: int


def _row(entry: StatsEntry, seconds: float) -> Row:
    return Row(
        name=entry.name,
        requests=entry.num_requests,
        per_second=entry.num_requests / seconds,
        p50=round(entry.median_response_time),
        p95=entry.get_response_time_percentile(0.95),
        p99=entry.get_response_time_percentile(0.99),
        errors=entry.num_failures,
    )


def run_phase(user_classes: list[type[FastHttpUser]], users: int, seconds: float) -> list[Row]:
    """Spawn the users, let them sign in and warm up, then measure for `seconds`."""
    environment = Environment(
        user_classes=user_classes, host=f"http://127.0.0.1:{PORT}", events=events
    )
    runner = environment.create_local_runner()
    READY.clear()
    runner.start(users, spawn_rate=users)
    signing_in = any(issubclass(user, _SignedIn) for user in user_classes)
    deadline = time.monotonic() + 300
    while signing_in and len(READY) < users and time.monotonic() < deadline:
        gevent.sleep(0.5)
    gevent.sleep(WARM_UP_SECONDS)
    stats: RequestStats = environment.stats
    signed_in = [_row(e, seconds) for e in stats.entries.values() if e.name == "POST /login"]
    stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    measured = time.monotonic() - started
    rows = [_row(e, measured) for e in stats.entries.values() if e.num_requests]
    total = replace(_row(stats.total, measured), name="All requests")
    runner.quit()
    return [*sorted(rows, key=lambda r: r.name), *signed_in, total]


def print_table(title: str, rows: list[Row], baseline: Row) -> None:
    print(f"\n{title}\n")
    print("| Endpoint | Requests | Req/s | × baseline req/s | p50 ms | p95 ms | p99 ms | Errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        ratio = row.per_second / baseline.per_second
        print(
            f"| {row.name} | {row.requests} | {row.per_second:.1f} | {ratio:.2f} | {row.p50} "
            f"| {row.p95} | {row.p99} | {row.errors} |"
        )
    total = sum(r.requests for r in rows if r.name != "All requests")
    errors = sum(r.errors for r in rows if r.name != "All requests")
    print(f"\nError rate: {errors}/{total} = {errors / max(total, 1):.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--solo", action="store_true", help="also run each page alone")
    parser.add_argument("--keep-database", action="store_true", help="reuse an earlier run's")
    options = parser.parse_args()

    env = production_env()
    prepare_database(env, options.keep_database)
    Redis.from_url(REDIS_URL).flushdb()
    server = start_web(env)
    try:
        baseline = run_phase([Baseline], options.users, options.seconds)[0]
        print_table(
            f"Baseline: {options.users} users, {options.seconds:.0f} s", [baseline], baseline
        )
        mix = run_phase([Staff, Supplier], options.users, options.seconds)
        print_table(f"Mix: {options.users} users, {options.seconds:.0f} s", mix, baseline)
        if options.solo:
            solo = [
                run_phase([_alone(user, name)], options.users, options.seconds / 3)[0]
                for user, name in _tasks()
            ]
            print_table("Each page alone", solo, baseline)
    finally:
        server.terminate()
        server.wait(timeout=30)
        Redis.from_url(REDIS_URL).flushdb()


def _tasks() -> list[tuple[type[_SignedIn], str]]:
    names = {
        user: dict.fromkeys(method.__name__ for method in user.tasks) for user in (Staff, Supplier)
    }
    return [(user, name) for user, tasks in names.items() for name in tasks]


def _alone(user: type[_SignedIn], task_name: str) -> type[_SignedIn]:
    """The same person doing only this one task (locust adds a base class's tasks to its
    subclasses', so this derives from the abstract base)."""
    return type(
        f"{user.__name__}_{task_name}",
        (_SignedIn,),
        {"email": user.email, "discover": user.discover, "tasks": [getattr(user, task_name)]},
    )


if __name__ == "__main__":
    main()
