"""Where the load benchmark's pages spend their time: `python -m bench.pages [--profile]`.

Against the database `bench.load` made (run it once first), signed in as staff through the
Flask test client, in one process: each of the four pages, and a page with nothing but the
layout ("about": what every signed-in page pays before its own work), is requested `--times`
times after a warm-up, printing its median wall and CPU time per request (this process's
CPU: the database's and Redis's are not counted) and how many SQL statements one request
runs (an N+1 shows as a count that grows with the rows shown) and how many commands it sends
Redis (each a round trip); with `--profile`, the functions that took the most time under
cProfile (CPU time, not time spent waiting). Each page is timed cold as `bench.load` draws
it (`bench.draws`: a search nobody made before, a supplier or opportunity not asked for yet,
the signed-in person and the header already cached) and warm (the same page again, from the
cache). Last, the statements PostgreSQL planned afresh on every execution (psycopg prepares
a statement from its fifth execution on a connection; PostgreSQL then plans it once for all
values unless that plan looks dearer than one for the values given, and planning can cost
more than running): each with how often it was planned each way. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
import redis
from sqlalchemy import text

import config
from bench.draws import Draws, cold_draws, read_targets
from bench.stack import PAGES_REDIS_URL, login_form, production_env
from brokerage import create_app
from brokerage.extensions import cache, db

SEED = 23


def page_paths(draws: Draws) -> dict[str, Callable[[], str]]:
    """Each page's next path, as bench.load's users ask for it."""
    return {
        "about": lambda: "/about-social-value",
        "search": lambda: "/directory/suppliers?" + next(draws.searches),
        "profile": lambda: f"/organisations/{next(draws.suppliers)}/profile",
        "matches": lambda: f"/matching/opportunities/{next(draws.opportunities)}",
        "api matches": lambda: f"/api/v1/opportunities/{next(draws.opportunities)}/matches",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=50)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="a pstats order: tottime...")
    parser.add_argument("--only", help="one page: about, search, profile, matches or api matches")
    options = parser.parse_args()
    # The settings classes read the environment when config.py is imported, which bench.stack
    # has done already: read again with the production environment.
    os.environ.update(
        production_env(
            PAGES_REDIS_URL, BROKERAGE_CACHE_KEY_PREFIX=f"bench-pages-{os.getpid()}:cache:"
        )
    )
    app = create_app(importlib.reload(config).ProductionConfig)
    statements = redis_commands = 0

    # Counted where the driver is asked, as Redis's commands are: a listener on the engine
    # would put every statement through SQLAlchemy's event dispatch, which production skips.
    sent_to_postgres = psycopg.Cursor.execute

    def count(self: psycopg.Cursor[Any], *args: Any, **options: Any) -> Any:
        nonlocal statements
        statements += 1
        return sent_to_postgres(self, *args, **options)

    setattr(psycopg.Cursor, "execute", count)  # noqa: B010 (counting, in this process)
    sent_to_redis = redis.Redis.execute_command

    def count_redis(self: redis.Redis, *args: Any, **options: Any) -> Any:
        nonlocal redis_commands
        redis_commands += 1
        return sent_to_redis(self, *args, **options)

    setattr(redis.Redis, "execute_command", count_redis)  # noqa: B010 (counting, in this process)

    with app.app_context():
        targets = read_targets(db.engine)
        cache.clear()
    paths = page_paths(cold_draws(targets, SEED, lambda: None))
    # Production answers only its own host (TRUSTED_HOSTS defaults to BASE_URL's); the test
    # client's is localhost.
    app.config["TRUSTED_HOSTS"].append("localhost")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data=login_form(login_page))
    for name, next_path in paths.items():
        if options.only and name != options.only:
            continue
        client.get(next_path())  # warm: the directory index, the catalogue, the header
        for cold in (True, False):
            path = next_path()
            statements = redis_commands = 0
            walls, cpus = [], []
            profiler = cProfile.Profile(time.process_time)  # CPU, not waits
            for _ in range(options.times):
                started, started_cpu = time.perf_counter(), time.process_time()
                if options.profile:
                    profiler.enable()
                response = client.get(path)
                profiler.disable()
                walls.append((time.perf_counter() - started) * 1000)
                cpus.append((time.process_time() - started_cpu) * 1000)
                if cold:
                    path = next_path()
            print(
                f"{name:<12} {'cold' if cold else 'warm':<5} {response.status_code} median "
                f"{statistics.median(walls):6.2f} ms, CPU {statistics.median(cpus):6.2f} ms, "
                f"{statements / options.times:.1f} SQL statements and "
                f"{redis_commands / options.times:.1f} Redis commands per request"
            )
            if options.profile:
                pstats.Stats(profiler).sort_stats(options.sort).print_stats(45)
    with app.app_context():
        print_planned_afresh()


def print_planned_afresh() -> None:
    """The prepared statements of the session's connection that PostgreSQL kept planning for
    the values given (after its five trial plans), if any."""
    rows = db.session.execute(
        text(
            "SELECT custom_plans, generic_plans, statement FROM pg_prepared_statements"
            " WHERE custom_plans > 5 ORDER BY custom_plans DESC"
        )
    ).all()
    print(f"{len(rows)} statements planned afresh on every execution")
    for custom, generic, statement in rows:
        print(f"  {custom} plans for the values given, {generic} once for all: {statement[:300]}")


if __name__ == "__main__":
    main()
