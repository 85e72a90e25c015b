"""Where the load benchmark's pages spend their time: `python -m bench.pages [--profile]`.

Against the database `bench.load` made (run it once first), signed in as staff through
the Flask test client, in one process: each of the four pages is requested `--times`
times after a warm-up, printing its median time and how many SQL statements one request
runs (an N+1 shows as a count that grows with the rows shown); with `--profile`, the
functions that took the most time under cProfile. Each page is timed cold (every cached
part worked out again, as after any commit; the search a new one each time, from
`bench.draws`) and cached. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import time

from sqlalchemy import event, text

from bench.stack import login_form, production_env

# The app's settings classes read the environment when config.py is imported.
os.environ.update(production_env())

from bench.draws import distinct_searches  # noqa: E402
from brokerage import create_app  # noqa: E402
from brokerage.extensions import cache, db  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--sort", default="cumulative", help="a pstats order: tottime...")
    options = parser.parse_args()
    app = create_app()
    statements = 0

    def count(*_: object) -> None:
        nonlocal statements
        statements += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        supplier = db.session.scalar(
            text("SELECT organisation_id FROM profiles ORDER BY organisation_id DESC LIMIT 1")
        )
        opportunity = db.session.scalar(text("SELECT max(id) FROM opportunities"))
        db.session.remove()
    searches = distinct_searches()
    pages = {
        "search": "/directory/suppliers?" + next(searches),
        "profile": f"/organisations/{supplier}/profile",
        "matches": f"/matching/opportunities/{opportunity}",
        "api matches": f"/api/v1/opportunities/{opportunity}/matches",
    }
    # Production answers only its own host (TRUSTED_HOSTS defaults to BASE_URL's); the test
    # client's is localhost.
    app.config["TRUSTED_HOSTS"].append("localhost")
    client = app.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    client.post("/login", data=login_form(login_page))
    for (name, path), cold in itertools.product(pages.items(), (True, False)):
        client.get(path)  # warm: the directory index, the catalogue
        statements = 0
        times = []
        profiler = cProfile.Profile()
        for _ in range(options.times):
            if cold:  # as after a commit of every topic: each cached part is worked out again
                with app.app_context():
                    cache.clear()
            started = time.perf_counter()
            if options.profile:
                profiler.enable()
            response = client.get(path)
            profiler.disable()
            if cold and name == "search":  # a search nobody made before
                path = "/directory/suppliers?" + next(searches)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"{name:<12} {'cold' if cold else 'cached':<6} {response.status_code} median "
            f"{statistics.median(times):6.1f} ms, "
            f"{statements / options.times:.0f} SQL statements per request"
        )
        if options.profile:
            pstats.Stats(profiler).sort_stats(options.sort).print_stats(60)


if __name__ == "__main__":
    main()
