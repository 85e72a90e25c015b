"""Load benchmark: the production stack on loopback, driven by locust headless.

It makes its own PostgreSQL database: the demo data (whose staff account signs in) and a
generated county (`bench.county_db`: 10,000 suppliers with offers, 1,000 procurement
opportunities, 5,000 needs), then `flask match rebuild` and ANALYZE. It measures, with the
same number of simulated users and no think time (so requests per second is capacity):

1. the ceiling: a one-line Flask "hello world" (`bench.hello`) under the same gunicorn
   settings (gunicorn.conf.py, 2 workers), before and after the brokerage: the ratios
   divide by the mean of the two, since the machine's pace drifts over a run;
2. the brokerage (production settings, Redis for the cache, the rate limiter and jobs),
   signed in: the directory's supplier search, a supplier's profile, an opportunity's
   matches page and its JSON matches, each page alone, then the four mixed; first cold,
   then warm (`bench.draws`). Cold: Redis emptied before each phase, every search a new
   one, every supplier and opportunity of the county asked for once before any again (and
   Redis emptied again when that happens): what users do. Warm: a small set of searches and
   pages asked for over and over: what the cache remembers.

It prints requests per second, p50/p95/p99 and errors for each, and the ratio of requests
per second to the ceiling measured in the same run, as Markdown for README. Not a test: it
asserts nothing, and locust shares the machine with gunicorn and PostgreSQL.

    .venv/bin/python -m bench.load [--users 20] [--seconds 20] [--keep-database]
        [--app-root DIR] [--port 8093] [--ceiling-port 8094] [--warm-set 50] [--seed 23]
        [--suppliers 10000] [--opportunities 1000] [--needs 5000]

`python -m bench.pages` then shows where each page's time goes, against the same database.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
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
from locust.stats import RequestStats
from redis import Redis
from sqlalchemy import create_engine, text

from bench.county_db import Counts
from bench.draws import Draws, Targets, cold_draws, read_targets, search_set, warm_draws
from bench.load_report import (
    Row,
    print_ceiling,
    print_side_by_side,
    print_targets,
    row_of,
)
from bench.stack import (
    DATABASE,
    LOAD_REDIS_URL,
    ROOT,
    SERVER_URL,
    STAFF_EMAIL,
    login_form,
    production_env,
)

BIN = Path(sys.executable).parent
SEED = 23
WARM_UP_SECONDS = 3
PAGE_TIMEOUT_SECONDS = 10.0
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


class Staff(FastHttpUser):
    """A member of staff, signed in, browsing without pause; each phase's subclass names
    its pages as `tasks` (locust adds a base class's tasks to its subclasses', so this
    base has none) and what they ask for as `draws`."""

    abstract = True
    wait_time = constant(0)
    # A page that takes longer counts as an error, and its user moves on: else a phase
    # of pages that never finish measures nothing, and holds the next phase's users up.
    network_timeout = connection_timeout = PAGE_TIMEOUT_SECONDS
    cookie = ""
    draws = Draws(iter(()), iter(()), iter(()))

    def page(self, path: str, name: str) -> None:
        """A page counts as an error if it fails or sends the user back to sign in."""
        with self.client.get(
            path, name=name, headers={**HEADERS, "Cookie": self.cookie}, catch_response=True
        ) as response:
            if response.status_code >= 400 or "/login" in (response.url or ""):
                response.failure(f"{response.status_code} at {response.url}")


def search(user: Staff) -> None:
    user.page("/directory/suppliers?" + next(user.draws.searches), "GET /directory/suppliers")


def profile(user: Staff) -> None:
    supplier = next(user.draws.suppliers)
    user.page(f"/organisations/{supplier}/profile", "GET /organisations/[id]/profile")


def matches(user: Staff) -> None:
    opportunity = next(user.draws.opportunities)
    user.page(f"/matching/opportunities/{opportunity}", "GET /matching/opportunities/[id]")


def api_matches(user: Staff) -> None:
    opportunity = next(user.draws.opportunities)
    user.page(
        f"/api/v1/opportunities/{opportunity}/matches", "GET /api/v1/opportunities/[id]/matches"
    )


PAGES = (search, profile, matches, api_matches)


def browsing(draws: Draws, *pages: Callable[[Staff], None]) -> type[Staff]:
    """Staff browsing these pages, chosen at random with equal weight."""
    name = "_".join(page.__name__ for page in pages)
    return type(f"Staff_{name}", (Staff,), {"tasks": list(pages), "draws": draws})


class Ceiling(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self) -> None:
        self.client.get("/", name="GET / (hello world)", headers=HEADERS)


def run_phase(
    user_classes: list[type[FastHttpUser]], port: int, users: int, seconds: float
) -> list[Row]:
    """Spawn the users, warm up, then measure for `seconds`; one row per request name,
    then the total."""
    random.seed(SEED)  # locust picks each user's next page with `random`
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
    rows = [row_of(e, measured) for e in stats.entries.values() if e.num_requests]
    total = replace(row_of(stats.total, measured), name="All requests")
    runner.quit()
    return [*sorted(rows, key=lambda r: r.name), total]


def measure_ceiling(env: dict[str, str], options: argparse.Namespace) -> Row:
    """The hello world's row under the same gunicorn settings and the same users."""
    server = start_gunicorn(env, "bench.hello:app", options.ceiling_port, "/")
    try:
        return run_phase([Ceiling], options.ceiling_port, options.users, options.seconds)[0]
    finally:
        stop(server)


def warm_up(port: int, cookie: str, targets: Targets) -> None:
    """Each page once per worker (new connections spread over them), so the directory's
    index and the catalogue are built before anything is measured."""
    paths = [
        "/directory/suppliers?" + search_set(1, seed=0)[0],
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


def empty_cache() -> None:
    Redis.from_url(LOAD_REDIS_URL).flushdb()


@dataclass(frozen=True)
class Measured:
    cold_alone: list[Row]
    cold_mixed: list[Row]
    warm_alone: list[Row]
    warm_mixed: list[Row]


def measure_brokerage(env: dict[str, str], options: argparse.Namespace) -> Measured:
    """Each page alone, then the four mixed: cold (Redis emptied before each phase), then
    warm."""
    empty_cache()
    server = start_gunicorn(
        env, "brokerage:create_app()", options.port, "/readyz", options.app_root
    )
    engine = create_engine(env["DATABASE_URL"])
    port, users, seconds = options.port, options.users, options.seconds

    def phase(draws: Callable[[], Draws], *pages: Callable[[Staff], None]) -> list[Row]:
        empty_cache()
        return run_phase([browsing(draws(), *pages)], port, users, seconds)

    try:
        Staff.cookie = signed_in_cookie(port)
        targets = read_targets(engine)
        warm_up(port, Staff.cookie, targets)
        cold = lambda: cold_draws(targets, options.seed, empty_cache)  # noqa: E731
        warm = lambda: warm_draws(targets, options.seed, options.warm_set)  # noqa: E731
        return Measured(
            cold_alone=[phase(cold, page)[0] for page in PAGES],
            cold_mixed=phase(cold, *PAGES),
            warm_alone=[phase(warm, page)[0] for page in PAGES],
            warm_mixed=phase(warm, *PAGES),
        )
    finally:
        engine.dispose()
        stop(server)
        empty_cache()


def _revision(root: Path) -> str:
    done = subprocess.run(  # noqa: S603
        ["git", "-C", str(root), "log", "-1", "--format=%h %cs"],  # noqa: S607
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "not a git checkout"


def parse_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20, help="measured, per phase")
    parser.add_argument("--keep-database", action="store_true", help="reuse an earlier run's")
    parser.add_argument(
        "--app-root",
        type=Path,
        default=ROOT,
        help="serve the brokerage from another checkout (an earlier commit, in a git "
        "worktree) against the same database, for a before-and-after in one sitting",
    )
    parser.add_argument("--port", type=int, default=8093)
    parser.add_argument("--ceiling-port", type=int, default=8094)
    parser.add_argument("--seed", type=int, default=SEED, help="of every draw")
    parser.add_argument(
        "--warm-set", type=int, default=50, help="searches and pages repeated, warm"
    )
    for name, default in vars(Counts()).items():
        parser.add_argument(f"--{name}", type=int, default=default)
    return parser.parse_args()


def main() -> None:
    options = parse_options()
    counts = Counts(options.suppliers, options.opportunities, options.needs)
    env = production_env(LOAD_REDIS_URL)
    prepare_database(env, counts, options.keep_database)
    load_at_start = os.getloadavg()
    before = measure_ceiling(env, options)
    measured = measure_brokerage(env, options)
    after = measure_ceiling(env, options)
    load_at_end = os.getloadavg()
    # The machine's pace drifts over a run: the ratios divide by the mean of both ceilings.
    ceiling = (before.per_second + after.per_second) / 2
    heading = f"{options.users} users, {options.seconds:.0f} s each"
    print(f"\nServing {options.app_root} ({_revision(options.app_root)}); {counts}")
    print(
        "Load average (1, 5, 15 min) at start "
        + ", ".join(f"{n:.1f}" for n in load_at_start)
        + "; at end "
        + ", ".join(f"{n:.1f}" for n in load_at_end)
    )
    print_ceiling(
        f"Ceiling: hello world, before and after the brokerage, {heading}",
        [replace(before, name="before"), replace(after, name="after")],
        ceiling,
    )
    print_side_by_side(
        f"Each page alone, {heading}", measured.cold_alone, measured.warm_alone, ceiling
    )
    print_targets(measured.cold_alone, ceiling)
    print_side_by_side(
        f"The four pages mixed, {heading}", measured.cold_mixed, measured.warm_mixed, ceiling
    )


if __name__ == "__main__":
    main()
