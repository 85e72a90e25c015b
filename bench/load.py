"""Load benchmark: the production stack on loopback, driven by locust headless.

It makes its own PostgreSQL database: the demo data (whose staff account signs in) and a
generated county (`bench.county_db`: 10,000 suppliers with offers, 1,000 procurement
opportunities, 5,000 needs), then `flask match rebuild` and ANALYZE. It measures, with the
same number of simulated users and no think time (so requests per second is capacity):

1. the ceiling: a one-line Flask "hello world" (`bench.hello`) under the same gunicorn
   settings (gunicorn.conf.py, 2 workers), before and after the brokerage: the ratios
   divide by the mean of the two, since the machine's pace drifts over a run;
2. the brokerage (production settings, Redis for the rate limiter and jobs), signed in:
   the directory's supplier search, a supplier's profile, an opportunity's matches page
   and its JSON matches, each page alone, then the four mixed.

It prints requests per second, p50/p95/p99 and errors for each, and the ratio of requests
per second to the ceiling measured in the same run, as Markdown for README. Not a test: it
asserts nothing, and locust shares the machine with gunicorn and PostgreSQL.

    .venv/bin/python -m bench.load [--users 20] [--seconds 20] [--keep-database]
        [--app-root DIR] [--suppliers 10000] [--opportunities 1000] [--needs 5000]

`python -m bench.pages` then shows where each page's time goes, against the same database.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import gevent
from locust import FastHttpUser, constant, events, task
from locust.env import Environment
from locust.stats import RequestStats, StatsEntry
from redis import Redis
from sqlalchemy import Engine, create_engine, text

from bench.county_db import Counts
from bench.stack import (
    DATABASE,
    REDIS_URL,
    ROOT,
    SEARCHES,
    SERVER_URL,
    STAFF_EMAIL,
    login_form,
    production_env,
)

BIN = Path(sys.executable).parent
PORT = 8093
CEILING_PORT = 8094
WARM_UP_SECONDS = 3
# Sent with every request, signing in included, as a browser sends its own: sessions are
# bound to the user agent (Flask-Login's session protection), and one signed in under
# another agent is marked not fresh and its cookie signed again on every page.
USER_AGENT = "brokerage-bench"
HEADERS = {"User-Agent": USER_AGENT}


def _run(*args: str, env: dict[str, str]) -> None:
    """Run one of our own commands quietly; what it said is shown only if it failed."""
    done = subprocess.run(  # noqa: S603 (our own executables, fixed arguments)
        [str(BIN / args[0]), *args[1:]], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        done.check_returncode()


def prepare_database(env: dict[str, str], counts: Counts, keep: bool) -> None:
    """A fresh database of the benchmark's own (never the tests'): migrated, the demo
    data, the generated county and its stored matches."""
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
    flask = ("flask", "--app", "brokerage")
    steps: list[tuple[str, tuple[str, ...]]] = [
        ("Migrating", (*flask, "db", "upgrade", "heads")),
        ("Loading the demo data", (*flask, "seed-demo")),
        (
            f"Generating the county ({counts})",
            ("python", "-m", "bench.county_db", *_count_arguments(counts)),
        ),
        ("Rebuilding the stored matches", (*flask, "match", "rebuild")),
    ]
    for label, command in steps:
        started = time.monotonic()
        print(f"{label} ...", end=" ", flush=True)
        _run(*command, env=env)
        print(f"{time.monotonic() - started:.0f} s", flush=True)
    # Bulk-loaded tables have no planner statistics until autovacuum comes round; without
    # them PostgreSQL hash-joins whole tables for a page's ten matches.
    bench = create_engine(env["DATABASE_URL"], isolation_level="AUTOCOMMIT")
    with bench.connect() as connection:
        connection.execute(text("ANALYZE"))
    bench.dispose()


def _count_arguments(counts: Counts) -> list[str]:
    return [part for name, n in vars(counts).items() for part in (f"--{name}", str(n))]


def start_gunicorn(
    env: dict[str, str], app: str, port: int, ready: str, root: Path = ROOT
) -> subprocess.Popen:
    """gunicorn with `root`'s production settings file, serving `app` from `root`, once
    `ready` answers."""
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", app],
        cwd=root,
        env={**env, "BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{ready}", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError(f"gunicorn did not serve {app}; run it by hand to see why")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def signed_in_cookie(port: int) -> str:
    """Sign in once as staff through the real form; the Cookie header every user sends
    (signing in is scrypt, deliberately slow: 20 users doing it would take seconds)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = list(HEADERS.items())
    base = f"http://127.0.0.1:{port}"
    page = opener.open(f"{base}/login").read().decode()
    body = urllib.parse.urlencode(login_form(page)).encode()
    response = opener.open(f"{base}/login", data=body)
    if "/login" in response.url:
        raise RuntimeError(f"{STAFF_EMAIL} could not sign in")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


@dataclass(frozen=True)
class Targets:
    """What the simulated users ask for: ids read from the benchmark's database."""

    suppliers: list[int]
    opportunities: list[int]


def read_targets(engine: Engine) -> Targets:
    with engine.connect() as connection:
        suppliers = connection.scalars(
            text(
                "SELECT organisation_id FROM profiles JOIN organisations o ON o.id = "
                "organisation_id WHERE o.kind = 'supplier'"
            )
        ).all()
        opportunities = connection.scalars(
            text("SELECT id FROM opportunities WHERE status = 'published'")
        ).all()
    return Targets(list(suppliers), list(opportunities))


class Staff(FastHttpUser):
    """A member of staff, signed in, browsing without pause; each phase's subclass names
    its pages as `tasks` (locust adds a base class's tasks to its subclasses', so this
    base has none)."""

    abstract = True
    wait_time = constant(0)
    cookie = ""
    targets = Targets([], [])

    def page(self, path: str, name: str) -> None:
        """A page counts as an error if it fails or sends the user back to sign in."""
        with self.client.get(
            path, name=name, headers={**HEADERS, "Cookie": self.cookie}, catch_response=True
        ) as response:
            if response.status_code >= 400 or "/login" in (response.url or ""):
                response.failure(f"{response.status_code} at {response.url}")


def search(user: Staff) -> None:
    user.page("/directory/suppliers?" + random.choice(SEARCHES), "GET /directory/suppliers")


def profile(user: Staff) -> None:
    supplier = random.choice(user.targets.suppliers)
    user.page(f"/organisations/{supplier}/profile", "GET /organisations/[id]/profile")


def matches(user: Staff) -> None:
    opportunity = random.choice(user.targets.opportunities)
    user.page(f"/matching/opportunities/{opportunity}", "GET /matching/opportunities/[id]")


def api_matches(user: Staff) -> None:
    opportunity = random.choice(user.targets.opportunities)
    user.page(
        f"/api/v1/opportunities/{opportunity}/matches", "GET /api/v1/opportunities/[id]/matches"
    )


PAGES = (search, profile, matches, api_matches)


def browsing(*pages: Callable[[Staff], None]) -> type[Staff]:
    """Staff browsing these pages, chosen at random with equal weight."""
    name = "_".join(page.__name__ for page in pages)
    return type(f"Staff_{name}", (Staff,), {"tasks": list(pages)})


class Ceiling(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self) -> None:
        self.client.get("/", name="GET / (hello world)", headers=HEADERS)


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


def run_phase(
    user_classes: list[type[FastHttpUser]], port: int, users: int, seconds: float
) -> list[Row]:
    """Spawn the users, warm up, then measure for `seconds`; one row per request name,
    then the total."""
    environment = Environment(
        user_classes=user_classes, host=f"http://127.0.0.1:{port}", events=events
    )
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.sleep(WARM_UP_SECONDS)
    stats: RequestStats = environment.stats
    stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    measured = time.monotonic() - started
    rows = [_row(e, measured) for e in stats.entries.values() if e.num_requests]
    total = replace(_row(stats.total, measured), name="All requests")
    runner.quit()
    return [*sorted(rows, key=lambda r: r.name), total]


def print_table(title: str, rows: list[Row], ceiling: float) -> None:
    """`ceiling`: the hello world's requests per second, which the ratios divide by."""
    print(f"\n{title}\n")
    print("| Endpoint | Requests | Req/s | × ceiling req/s | p50 ms | p95 ms | p99 ms | Errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.name} | {row.requests} | {row.per_second:.1f} "
            f"| {row.per_second / ceiling:.2f} | {row.p50} "
            f"| {row.p95} | {row.p99} | {row.errors} |"
        )


P95_TARGET_MS = 150
SEARCH_SHARE_TARGET = 0.25


def print_targets(alone: list[Row], ceiling: float) -> None:
    """Issue 9's targets, page by page: no errors, p95 under 150 ms, and the search at a
    quarter of the ceiling's requests per second or more."""
    print()
    for row in alone:
        share = row.per_second / ceiling
        met = row.errors == 0 and row.p95 < P95_TARGET_MS
        if row.name == "GET /directory/suppliers":
            met = met and share >= SEARCH_SHARE_TARGET
        print(f"{'met    ' if met else 'MISSED '} {row.name}: p95 {row.p95} ms, {share:.2f}×")


def measure_ceiling(env: dict[str, str], users: int, seconds: float) -> Row:
    """The hello world's row under the same gunicorn settings and the same users."""
    server = start_gunicorn(env, "bench.hello:app", CEILING_PORT, "/")
    try:
        return run_phase([Ceiling], CEILING_PORT, users, seconds)[0]
    finally:
        stop(server)


def warm_up(port: int, cookie: str, targets: Targets) -> None:
    """Each page once per worker (new connections spread over them), so the directory's
    index and the catalogue are built before anything is measured."""
    paths = [
        "/directory/suppliers?" + SEARCHES[0],
        f"/organisations/{targets.suppliers[0]}/profile",
        f"/matching/opportunities/{targets.opportunities[0]}",
        f"/api/v1/opportunities/{targets.opportunities[0]}/matches",
    ]
    for _ in range(4):
        for path in paths:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={**HEADERS, "Cookie": cookie}
            )
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="measured, per phase")
    parser.add_argument("--keep-database", action="store_true", help="reuse an earlier run's")
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the brokerage from another checkout (an earlier commit, unpacked with "
        "git archive) against the same database, for a before-and-after in one sitting",
    )
    for name, default in vars(Counts()).items():
        parser.add_argument(f"--{name}", type=int, default=default)
    options = parser.parse_args()
    counts = Counts(options.suppliers, options.opportunities, options.needs)

    env = production_env()
    prepare_database(env, counts, options.keep_database)
    heading = f"{options.users} users, {options.seconds:.0f} s each"
    before = measure_ceiling(env, options.users, options.seconds)
    Redis.from_url(REDIS_URL).flushdb()
    server = start_gunicorn(env, "brokerage:create_app()", PORT, "/readyz", options.app_root)
    engine = create_engine(env["DATABASE_URL"])
    try:
        Staff.cookie = signed_in_cookie(PORT)
        Staff.targets = read_targets(engine)
        warm_up(PORT, Staff.cookie, Staff.targets)
        alone = [
            run_phase([browsing(page)], PORT, options.users, options.seconds)[0] for page in PAGES
        ]
        mixed = run_phase([browsing(*PAGES)], PORT, options.users, options.seconds)
    finally:
        engine.dispose()
        stop(server)
        Redis.from_url(REDIS_URL).flushdb()
    after = measure_ceiling(env, options.users, options.seconds)
    # The machine's pace drifts over a run: the ratios divide by the mean of both ceilings.
    ceiling = (before.per_second + after.per_second) / 2
    print_table(
        f"Ceiling: hello world, before and after the brokerage, {heading}",
        [
            replace(before, name="GET / (hello world), before"),
            replace(after, name="GET / (hello world), after"),
        ],
        ceiling,
    )
    print_table(f"Each page alone, {heading}", alone, ceiling)
    print_targets(alone, ceiling)
    print_table(f"The four pages mixed, {heading}", mixed, ceiling)


if __name__ == "__main__":
    main()
