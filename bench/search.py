"""Directory search benchmark: `python -m bench.search [--suppliers 50000] [--queries 50]`.

Generates suppliers (real Oxfordshire postcodes, a profile and one or two published
offers each) in a scratch database: a new SQLite file, or, with DATABASE_URL naming
PostgreSQL, a new database beside that one (dropped afterwards). Then times, over the
same queries in the same run, the directory's supplier search with words (some misspelt)
and a radius, and a plain SQL `LIKE` over the same rows (exact words, no radius: the
organisations table has no grid point to filter on), and prints median, p95 and the
ratio. The first search builds the per-process index; its time is printed apart.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import func, insert, make_url, or_, select

from bench.county import FILLER, RARE_WORDS, SECTORS, oxfordshire_points
from brokerage.accounts.models import Organisation
from brokerage.directory.index import index_for
from brokerage.directory.service import Filters, radius_in_metres, search
from brokerage.extensions import db
from brokerage.listings.models import Offer, OfferMeasure, Profile
from brokerage.places.districts import district_of
from brokerage.toms.files import read_rows
from brokerage.toms.service import shipped_files
from brokerage.types import utcnow
from config import TestConfig
from tests.helpers.app import build_test_app, fresh_database

TRADES = [
    "carpentry",
    "joinery",
    "plumbing",
    "electrical",
    "roofing",
    "decorating",
    "landscaping",
    "gardening",
    "catering",
    "cleaning",
    "printing",
    "software",
    "accountancy",
    "removals",
    "recycling",
    "security",
    "volunteers",
    "mentoring",
    "apprenticeships",
    "training",
]
CATEGORIES = ["construction", "catering", "cleaning", "printing", "digital", "professional"]
SIZES = ["micro", "small", "medium", "large"]
BATCH = 5_000


def scratch_database(folder: str) -> AbstractContextManager[str]:
    """The tests' fresh database: a new SQLite file, or a new PostgreSQL database beside
    the one DATABASE_URL names (dropped afterwards)."""
    base = os.environ.get("DATABASE_URL", "")
    TestConfig.SQLALCHEMY_DATABASE_URI = base if base.startswith("postgresql") else None
    return fresh_database(Path(folder), "bench_search")


def _text(rng: random.Random, trades: list[str], length: int) -> str:
    words = trades + rng.sample(FILLER + SECTORS, 5) + rng.sample(RARE_WORDS, length)
    rng.shuffle(words)
    return " ".join(words)


def generate(count: int, seed: int = 1) -> None:
    """`count` suppliers, each with a profile and one or two published offers."""
    rng = random.Random(seed)
    points = oxfordshire_points()
    codes = [row.code for path, _ in shipped_files() for row in read_rows(path)]
    now = utcnow()
    for start in range(0, count, BATCH):
        numbers = range(start, min(start + BATCH, count))
        places = {n: rng.choice(points) for n in numbers}
        trades = {n: rng.sample(TRADES, 2) for n in numbers}
        db.session.execute(
            insert(Organisation),
            [
                {
                    "id": n + 1,
                    "name": f"{trades[n][0].capitalize()} {rng.choice(RARE_WORDS)} {n}",
                    "kind": "supplier",
                    "postcode": places[n][0],
                    "description": _text(rng, trades[n][:1], 8),
                    "created_at": now,
                }
                for n in numbers
            ],
        )
        db.session.execute(
            insert(Profile),
            [
                {
                    "organisation_id": n + 1,
                    "sector": rng.choice(CATEGORIES),
                    "size": rng.choice(SIZES),
                    "is_vcse": rng.random() < 0.2,
                    "pays_real_living_wage": rng.random() < 0.3,
                    "verified": False,
                    "website": "",
                }
                for n in numbers
            ],
        )
        offers, measures = [], []
        for n in numbers:
            postcode, easting, northing = places[n]
            for _ in range(rng.randint(1, 2)):
                offer_id = len(offers) + 1 + start * 2
                offers.append(
                    {
                        "id": offer_id,
                        "organisation_id": n + 1,
                        "title": f"{rng.choice(trades[n]).capitalize()} for the community",
                        "description": _text(rng, trades[n], 12),
                        "category": rng.choice(CATEGORIES),
                        "status": "published",
                        "postcode": postcode,
                        "easting": easting,
                        "northing": northing,
                        "district": district_of(postcode),
                        "created_at": now,
                        "published_at": now,
                    }
                )
                measures += [
                    {"offer_id": offer_id, "measure_code": code, "quantity": rng.randint(1, 50)}
                    for code in rng.sample(codes, rng.randint(1, 3))
                ]
        db.session.execute(insert(Offer), offers)
        db.session.execute(insert(OfferMeasure), measures)
    db.session.commit()


def _misspell(rng: random.Random, word: str) -> str:
    """Two neighbouring letters swapped, as fast typing does ("carpnetry")."""
    at = rng.randrange(1, len(word) - 2)
    return word[:at] + word[at + 1] + word[at] + word[at + 2 :]


def queries(count: int, seed: int = 2) -> list[tuple[str, str, float]]:
    rng = random.Random(seed)
    points = oxfordshire_points()
    result = []
    for number in range(count):
        word = rng.choice(TRADES)
        typed = _misspell(rng, word) if number % 2 else word
        miles = rng.choice([5, 10, 15, 25])
        result.append((typed, rng.choice(points)[0], radius_in_metres(miles, "miles")))
    return result


def like_query(word: str) -> tuple[int, list[int]]:
    """The plain SQL way: a substring anywhere in the supplier's or its offers' text."""
    pattern = f"%{word}%"
    published = Offer.status == "published"
    matching = (
        select(Organisation.id)
        .join(Profile, Profile.organisation_id == Organisation.id)
        .outerjoin(Offer, (Offer.organisation_id == Organisation.id) & published)
        .where(Organisation.kind == "supplier")
        .where(
            or_(
                Organisation.name.ilike(pattern),
                Organisation.description.ilike(pattern),
                Offer.title.ilike(pattern),
                Offer.description.ilike(pattern),
            )
        )
        .distinct()
    )
    total = db.session.scalar(select(func.count()).select_from(matching.subquery()))
    page = list(db.session.scalars(matching.order_by(Organisation.id).limit(20)))
    return total or 0, page


def _timed(function, *args) -> tuple[float, object]:  # noqa: ANN001
    started = time.perf_counter()
    value = function(*args)
    return (time.perf_counter() - started) * 1000, value


def _summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--suppliers", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, scratch_database(folder) as url:
        app = build_test_app(url, folder)
        with app.app_context():
            started = time.perf_counter()
            generate(args.suppliers)
            seconds = time.perf_counter() - started
            print(f"generated {args.suppliers:,} suppliers in {seconds:.1f} s")
            sample = queries(args.queries)
            search("needs", Filters(words="warm"))  # the ORM's first queries: not the index
            build_ms, _ = _timed(search, "suppliers", Filters(words="warm"))
            search_times, like_times, found = [], [], []
            # The searches run back to back in one transaction, as on a busy site where
            # nothing changes: the index is kept; reading the versions is printed apart.
            for typed, postcode, radius_m in sample:
                filters = Filters(words=typed, postcode=postcode, radius_m=radius_m)
                ms, page = _timed(search, "suppliers", filters)
                search_times.append(ms)
                found.append(page.total)
            for typed, _, _ in sample:
                like_times.append(_timed(like_query, typed)[0])
            # A new transaction each time: the versions are read once per transaction.
            version_times = []
            for _ in range(10):
                db.session.rollback()
                version_times.append(_timed(index_for, "suppliers")[0])
            versions_ms = statistics.median(version_times)
            db.session.remove()
            db.engine.dispose()
    median, p95 = _summary(search_times)
    like_median, like_p95 = _summary(like_times)
    print(f"database: {make_url(url).get_backend_name()}; queries: {len(sample)} (half misspelt)")
    print(f"index build (first search): {build_ms:,.0f} ms")
    print(f"directory search, words + radius: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(f"the index, its topic versions read in a new transaction: median {versions_ms:.1f} ms")
    print(f"SQL LIKE, words only:             median {like_median:.1f} ms, p95 {like_p95:.1f} ms")
    print(f"ratio (LIKE median / search median): {like_median / median:.1f}x")
    print(f"suppliers found per search: median {statistics.median(found):,.0f}")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
