"""Cost of one save beside a full rebuild: `python -m bench.save [--suppliers 50000]`.

Fills a scratch database (a new SQLite file, or a new PostgreSQL database beside the one
DATABASE_URL names) with the synthetic county of `bench.county_db` (by default 50,000
suppliers with offers, 1,000 opportunities and 5,000 needs), times the full rebuild of
stored matches (offer-level pairs, then supplier-level ones), then times what one saved
listing costs: the recompute job's two parts, `store.recompute` (offer ↔ need and
opportunity pairs) and `supplier_store.recompute_supplier_matches` (an opportunity's
suppliers, a supplier's opportunities), for an offer, a need and an opportunity (each
rolled back, so every save starts from the same state), and beside it what loading the
published world (`Scene`) alone takes. That is the cold case: the world read afresh.

Then the kept case, what a worker sees from its second recompute on: the same kind of saves
committed, each recomputed in a transaction of its own against the published world this
process keeps (`matches/kept.py`), patched with the rows the save changed; the first such
recompute, which reads the whole world, is printed apart. Prints each figure, wall-clock
and CPU (the machine is shared), the load average, and the ratio of the rebuild to one save,
measured in the same run. Nothing is asserted.

To iterate on kept saves in a minute, not ten: `--database FILE` (SQLite) keeps the filled and
rebuilt county in FILE on its first run and, on later runs, copies it into the scratch folder
instead of filling and rebuilding (each run starts from the same rows); `--kept-only` times the
kept saves alone, `--kinds` of which listings, `--saves` how many, `--profile FILE` writes a
cProfile of the kept saves after each kind's first, and `--digest` prints, per save, a digest
of every stored row after its recompute (old and new code should print the same).
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from bench import cpu_seconds
from bench.county_db import Counts, populate
from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from brokerage.listings.choices import ListingStatus
from brokerage.listings.models import Listing, Need, Offer, Opportunity
from brokerage.matches import kept, store
from brokerage.matches.models import Match
from brokerage.matches.policy import policy_in_force, supplier_policy
from brokerage.matches.scene import SIDES, TOP_N, Scene
from brokerage.matches.supplier_inputs import opportunity_query, supplier_world
from brokerage.matches.supplier_models import SupplierMatch
from brokerage.matches.supplier_store import rebuild_supplier_matches, recompute_supplier_matches
from brokerage.matches.suppliers import supplier_matches_for
from brokerage.matching.suppliers import rank_suppliers
from brokerage.toms.service import load_shipped_frameworks
from config import TestConfig
from tests.helpers.app import build_test_app, fresh_database

SAVES = 5


@dataclass
class Options:
    """What to time of kept saves: which kinds, how many, profiled or digested."""

    kinds: tuple[str, ...] = ("offer", "need", "opportunity")
    saves: int = SAVES
    profile: cProfile.Profile | None = None
    digest: bool = False


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


@dataclass
class SaveCost:
    """Median seconds of one save's recompute, by part, and of loading a scene alone."""

    offer_level: float
    supplier_level: float
    cpu: float
    loading: float

    @property
    def total(self) -> float:
        return self.offer_level + self.supplier_level


def _save(listing: Listing) -> None:
    """Change what matching reads: the words, and the first measure's amount."""
    listing.description = f"{listing.description} Updated."
    measure = listing.measures[0] if listing.measures else None
    if measure is not None:
        for name in ("quantity", "target"):
            if getattr(measure, name, None) is not None:
                setattr(measure, name, getattr(measure, name) + 1)
    db.session.flush()


def _supplier_part(listing: Listing) -> None:
    if isinstance(listing, Opportunity):
        recompute_supplier_matches(opportunity_ids=[listing.id])
    elif isinstance(listing, Offer):
        recompute_supplier_matches(organisation_ids=[listing.organisation_id])


def _time_saves(model: type[Listing], offer_level_too: bool) -> SaveCost:
    offer_level, supplier_level, cpu, loads = [0.0], [], [], [0.0]
    for listing_id in _listings(model, SAVES):
        listing = db.session.get(model, listing_id)
        _save(listing)
        started = time.process_time()
        if offer_level_too:
            offer_level.append(_seconds(lambda listing=listing: store.recompute([listing])))
        supplier_level.append(_seconds(lambda listing=listing: _supplier_part(listing)))
        cpu.append(time.process_time() - started)
        if offer_level_too:
            loads.append(_seconds(_loaded_scene))
        db.session.rollback()
    median = statistics.median
    if offer_level_too:
        offer_level, loads = offer_level[1:], loads[1:]
    return SaveCost(median(offer_level), median(supplier_level), median(cpu), median(loads))


@contextmanager
def _recomputed_by_hand() -> Iterator[None]:
    """Commits without the matches subscriber: the benchmark runs each recompute itself."""
    subscribers = current_app.extensions["changes.subscribers"]
    current_app.extensions["changes.subscribers"] = tuple(
        subscriber for subscriber in subscribers if subscriber.name != "matches"
    )
    try:
        yield
    finally:
        current_app.extensions["changes.subscribers"] = subscribers


@dataclass
class KeptCost:
    """The first recompute in a process (it reads the world) and the median of the next;
    their `loading`: bringing the kept world up to date, before the recompute proper."""

    first: SaveCost
    next: SaveCost


def _time_kept_saves(
    model: type[Listing], offer_level_too: bool, options: Options | None = None
) -> KeptCost:
    options = options or Options()
    kept.forget()
    costs = []
    with _recomputed_by_hand():
        for number, listing_id in enumerate(_listings(model, options.saves + 1)):
            _save(db.session.get(model, listing_id))
            db.session.commit()
            listing = db.session.get(model, listing_id)
            profile = options.profile if number else None  # not the first: it reads the world
            if profile is not None:
                profile.enable()
            started = time.process_time()
            patching = _seconds(_kept_world_patched)
            offer_level = 0.0
            if offer_level_too:
                offer_level = _seconds(lambda listing=listing: store.recompute([listing]))
            supplier_level = _seconds(lambda listing=listing: _supplier_part(listing))
            cpu = time.process_time() - started
            if profile is not None:
                profile.disable()
            costs.append(SaveCost(offer_level, supplier_level, cpu, patching))
            if options.digest:
                print(f"  {model.__name__.lower()} {listing_id}: stored rows {_digest()}")
            db.session.rollback()
    median = statistics.median
    later = costs[1:]
    return KeptCost(
        costs[0],
        SaveCost(
            median(c.offer_level for c in later),
            median(c.supplier_level for c in later),
            median(c.cpu for c in later),
            median(c.loading for c in later),
        ),
    )


def _digest() -> str:
    """A digest of every stored row's pair, ranks, state and scores (rounded to 1e-9)."""
    digest = hashlib.sha256()
    columns = (Match.offer_id, Match.opportunity_id, Match.need_id, Match.seeker_rank)
    query = select(*columns, Match.offer_rank, Match.state, Match.score, Match.stored_reasons)
    for row in db.session.execute(query.order_by(Match.offer_id, *columns[1:3])):
        digest.update(repr((*row[:6], round(row[6], 9), row[7])).encode())
    supplier = select(
        SupplierMatch.opportunity_id,
        SupplierMatch.organisation_id,
        SupplierMatch.opportunity_rank,
        SupplierMatch.supplier_rank,
        SupplierMatch.score,
        SupplierMatch.reasons,
        SupplierMatch.offer_ids,
    ).order_by(SupplierMatch.opportunity_id, SupplierMatch.organisation_id)
    for row in db.session.execute(supplier):
        digest.update(repr((*row[:4], round(row[4], 9), *row[5:])).encode())
    return digest.hexdigest()[:16]


def _kept_world_patched() -> None:
    """Bring both halves of the kept world up to date (what a recompute does first)."""
    kept.offer_side()
    kept.supplier_side()


def _time_reading() -> tuple[float, float]:
    """Median seconds to show a published opportunity's suppliers: ranked live on each
    request (before), read from the stored ranking (now)."""
    live, stored = [], []
    for opportunity_id in _listings(Opportunity, SAVES):
        opportunity = db.session.get(Opportunity, opportunity_id)
        query = opportunity_query(opportunity)
        policy = supplier_policy(policy_in_force().policy)

        def rank_live(opportunity: Opportunity = opportunity, query=query, policy=policy) -> None:
            world = supplier_world(opportunity.organisation_id)
            rank_suppliers(query, world.pool, policy, TOP_N)

        live.append(_seconds(rank_live))
        stored.append(_seconds(lambda opportunity=opportunity: supplier_matches_for(opportunity)))
    return statistics.median(live), statistics.median(stored)


def _rebuild(offer_level_too: bool) -> float:
    cpu = cpu_seconds()  # the rebuild's worker processes too
    rebuild = _seconds(store.rebuild) if offer_level_too else 0.0
    suppliers = _seconds(rebuild_supplier_matches)
    cpu = cpu_seconds() - cpu
    db.session.commit()
    pairs = db.session.scalar(select(func.count(Match.id)))
    supplier_pairs = db.session.scalar(select(func.count(SupplierMatch.id)))
    print(
        f"full rebuild: {rebuild + suppliers:.1f} s ({cpu:.1f} s of CPU): "
        f"{pairs:,} offer pairs in {rebuild:.1f} s, {supplier_pairs:,} supplier pairs "
        f"in {suppliers:.1f} s"
    )
    return rebuild + suppliers


def _report_saves(rebuild: float, offer_level_too: bool, options: Options) -> None:
    _report_cold_saves(rebuild, offer_level_too)
    _report_kept_saves(offer_level_too, options)
    live, stored = _time_reading()
    print(
        f"showing an opportunity's suppliers: ranked live {live:.3f} s, read stored "
        f"{stored:.3f} s ({live / stored:.0f}x)"
    )


def _report_cold_saves(rebuild: float, offer_level_too: bool) -> None:
    print(
        f"{'one save of':<12} {'offer-level s':>14} {'supplier-level s':>17} "
        f"{'total s':>8} {'CPU s':>6} {'loading alone':>14} {'rebuild / save':>15}"
    )
    for model in (Offer, Need, Opportunity):
        if model is Need and not offer_level_too:
            continue  # a need's save recomputes offer-level pairs only
        cost = _time_saves(model, offer_level_too)
        ratio = rebuild / cost.total if cost.total else float("inf")
        print(
            f"{model.__name__.lower():<12} {cost.offer_level:>14.3f} "
            f"{cost.supplier_level:>17.3f} {cost.total:>8.3f} {cost.cpu:>6.2f} "
            f"{cost.loading:>14.2f} {ratio:>14.0f}x"
        )


def _report_kept_saves(offer_level_too: bool, options: Options) -> None:
    print(
        f"{'kept world':<12} {'offer-level s':>14} {'supplier-level s':>17} "
        f"{'total s':>8} {'CPU s':>6} {'patching s':>11} {'first total s':>14} "
        f"{'first CPU s':>12}"
    )
    for model in (Offer, Need, Opportunity):
        if model.__name__.lower() not in options.kinds or (model is Need and not offer_level_too):
            continue
        found = _time_kept_saves(model, offer_level_too, options)
        after, first = found.next, found.first
        print(
            f"{model.__name__.lower():<12} {after.offer_level:>14.3f} "
            f"{after.supplier_level:>17.3f} {after.total + after.loading:>8.3f} "
            f"{after.cpu:>6.2f} {after.loading:>11.3f} {first.total + first.loading:>14.2f} "
            f"{first.cpu:>12.2f}",
            flush=True,
        )


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=50_000)
    parser.add_argument(
        "--supplier-level-only",
        action="store_true",
        help="skip offer-level pairs (their rebuild takes minutes): time supplier matches only",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help="SQLite file of a filled, rebuilt county: made on the first run, copied after",
    )
    parser.add_argument("--kept-only", action="store_true", help="time kept saves alone")
    parser.add_argument("--kinds", default="offer,need,opportunity", help="kept saves of these")
    parser.add_argument("--saves", type=int, default=SAVES, help="kept saves after the first")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the kept saves here")
    parser.add_argument("--digest", action="store_true", help="print each save's stored rows")
    return parser.parse_args()


def _kept_copy(arguments: argparse.Namespace, folder: Path) -> bool:
    """Whether the scratch database is a copy of the kept county (`--database`)."""
    kept_file = arguments.database
    if kept_file is None or not kept_file.exists():
        return False
    if TestConfig.SQLALCHEMY_DATABASE_URI:
        raise SystemExit("--database keeps an SQLite file: unset DATABASE_URL")
    shutil.copyfile(kept_file, folder / "bench_save.sqlite")
    return True


def _keep(arguments: argparse.Namespace, folder: Path) -> None:
    """Keep the filled, rebuilt county in the `--database` file, if asked and not there."""
    kept_file = arguments.database
    if kept_file is None or kept_file.exists() or db.engine.dialect.name != "sqlite":
        return
    db.session.commit()
    db.session.remove()
    db.engine.dispose()  # every connection closed: the file holds everything
    shutil.copyfile(folder / "bench_save.sqlite", kept_file)
    print(f"kept the rebuilt county in {kept_file}", flush=True)


def main() -> None:
    arguments = _arguments()
    offer_level_too = not arguments.supplier_level_only
    base = os.environ.get("DATABASE_URL", "")
    TestConfig.SQLALCHEMY_DATABASE_URI = base if base.startswith("postgresql") else None
    with tempfile.TemporaryDirectory() as folder, fresh_database(Path(folder), "bench_save") as url:
        copied = _kept_copy(arguments, Path(folder))
        app = build_test_app(url, folder)
        with app.app_context():
            if not copied:
                load_shipped_frameworks()
                fill = _seconds(lambda: populate(Counts(suppliers=arguments.suppliers)))
                db.session.commit()
            offers = db.session.scalar(select(func.count(Offer.id)))
            suppliers = db.session.scalar(
                select(func.count(Organisation.id)).where(Organisation.kind == "supplier")
            )
            filled = f"a copy of {arguments.database}" if copied else f"filled in {fill:.0f} s"
            print(
                f"database {db.engine.dialect.name}: {suppliers:,} suppliers with "
                f"{offers:,} offers, 1,000 opportunities, 5,000 needs ({filled}); "
                "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
                flush=True,
            )
            rebuild = 0.0 if copied else _rebuild(offer_level_too)
            _keep(arguments, Path(folder))
            options = Options(
                tuple(arguments.kinds.split(",")),
                arguments.saves,
                cProfile.Profile() if arguments.profile else None,
                arguments.digest,
            )
            if arguments.kept_only:
                _report_kept_saves(offer_level_too, options)
            else:
                _report_saves(rebuild, offer_level_too, options)
            if options.profile is not None:
                options.profile.dump_stats(arguments.profile)
            print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
