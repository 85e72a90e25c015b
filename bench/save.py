"""Cost of one save beside a full rebuild: `python -m bench.save [--suppliers 50000]`.

Fills a scratch database (a new SQLite file, or a new PostgreSQL database beside the one
DATABASE_URL names) with the synthetic county of `bench.county_db` (by default 50,000
suppliers with offers, 1,000 opportunities and 5,000 needs), times the full rebuild of
stored matches, then times what one saved listing costs: `store.recompute` for an offer,
a need and an opportunity (each rolled back, so every save starts from the same state),
and beside it what loading the published world (`Scene`) alone takes. Prints each figure and the
ratio of the rebuild to one save, measured in the same run. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from bench.county_db import Counts, populate
from brokerage.extensions import db
from brokerage.listings.choices import ListingStatus
from brokerage.listings.models import Listing, Need, Offer, Opportunity
from brokerage.matches import store
from brokerage.matches.models import Match
from brokerage.matches.scene import SIDES, Scene
from brokerage.toms.service import load_shipped_frameworks
from config import TestConfig
from tests.conftest import build_test_app, fresh_database

SAVES = 5


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _loaded_scene() -> Scene:
    """A scene with everything a recompute reads already loaded (offers, pool, seekers)."""
    scene = Scene()
    scene.pool  # noqa: B018  (loads offers and builds the candidate pool)
    for side in SIDES:
        scene.seekers(side)
    return scene


def _listings(model: type[Listing], count: int) -> list[int]:
    """Ids of `count` published listings spread through the table."""
    ids = db.session.scalars(
        select(model.id).where(model.status == ListingStatus.PUBLISHED.value).order_by(model.id)
    ).all()
    step = max(1, len(ids) // count)
    return list(ids[::step][:count])


def _time_saves(model: type[Listing]) -> tuple[float, float]:
    """Median seconds of one save's recompute, and of loading a scene alone."""
    totals, loads = [], []
    for listing_id in _listings(model, SAVES):
        listing = db.session.get(model, listing_id)
        listing.description = f"{listing.description} Updated."
        db.session.flush()
        totals.append(_seconds(lambda listing=listing: store.recompute([listing])))
        loads.append(_seconds(_loaded_scene))
        db.session.rollback()
    return statistics.median(totals), statistics.median(loads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50_000)
    arguments = parser.parse_args()
    base = os.environ.get("DATABASE_URL", "")
    TestConfig.SQLALCHEMY_DATABASE_URI = base if base.startswith("postgresql") else None
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), "bench_save") as url:
        app = build_test_app(url, folder)
        with app.app_context():
            load_shipped_frameworks()
            fill = _seconds(lambda: populate(Counts(suppliers=arguments.suppliers)))
            db.session.commit()
            offers = db.session.scalar(select(func.count(Offer.id)))
            print(
                f"database {db.engine.dialect.name}: {arguments.suppliers:,} suppliers with "
                f"{offers:,} offers, 1,000 opportunities, 5,000 needs (filled in {fill:.0f} s)"
            )
            cpu = time.process_time()
            rebuild = _seconds(store.rebuild)
            cpu = time.process_time() - cpu
            db.session.commit()
            pairs = db.session.scalar(select(func.count(Match.id)))
            print(f"full rebuild: {rebuild:.1f} s ({cpu:.1f} s of CPU), {pairs:,} pairs stored")
            print(
                f"{'one save of':<16} {'median s':>9} {'loading alone':>14} {'rebuild / save':>15}"
            )
            for model in (Offer, Need, Opportunity):
                total, load = _time_saves(model)
                name = model.__name__.lower()
                print(f"{name:<16} {total:>9.2f} {load:>14.2f} {rebuild / total:>14.0f}x")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
