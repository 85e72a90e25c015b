"""Where a full rebuild's wall time goes: `python -m bench.rebuild [--suppliers 10000]`.

Fills a scratch database (a new SQLite file, or a new PostgreSQL database beside the one
DATABASE_URL names) with the synthetic county of `bench.county_db`, then runs the rebuild
`flask match rebuild` runs (offer-level pairs, then supplier-level ones, one commit)
`--rounds` times, each replacing the rows stored before it (the rows already stored are
printed first: filling the county stores some). Each phase (loading the published world,
ranking, reasons, making the batches, each kind of statement, COPY, the commit) is charged
its wall-clock time, this process's CPU, its wait for a core (the run-queue wait in
/proc/self/schedstat) and the rest, time it was blocked (on the disk, or on the database
server); on PostgreSQL also the server backend's CPU and run-queue wait (/proc/<pid>/schedstat),
and over each rebuild the CPU of the server's own writers (WAL writer, checkpointer,
background writer) and the time some task stalled on I/O (/proc/pressure/io). Prints a
digest of every stored row (all columns but the time computed), so two commits' rebuilds
can be compared. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, func, select, text

from bench.county_db import Counts, populate
from bench.scratch import scratch_database
from brokerage import bulk_rows
from brokerage.extensions import db
from brokerage.matches import store, supplier_store
from brokerage.matches.models import Match
from brokerage.matches.scene import SIDES, Scene
from brokerage.matches.supplier_models import SupplierMatch, SupplierRanking
from brokerage.toms.service import load_shipped_frameworks
from tests.helpers.app import build_test_app

MODELS = (Match, SupplierMatch)
# What each reading holds, in this order.
FIELDS = ("wall", "cpu", "waiting for a core", "blocked", "server cpu", "server waiting")


_opened: dict[int | str, int] = {}


def _schedstat(pid: int | str) -> tuple[float, float]:
    """A task's CPU and run-queue wait so far, in seconds (the file kept open: the reasons
    phase is entered some 60,000 times a rebuild)."""
    if pid not in _opened:
        _opened[pid] = os.open(f"/proc/{pid}/schedstat", os.O_RDONLY)
    running, waiting, _ = os.pread(_opened[pid], 100, 0).split()
    return int(running) / 1e9, int(waiting) / 1e9


class Meter:
    """Seconds charged to a stack of phases: each moment goes to the innermost one open."""

    def __init__(self) -> None:
        self.server: int | None = None
        self.totals: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0.0] * 6)
        self.stack: list[str] = []
        self.last = self._reading()

    def _reading(self) -> list[float]:
        server = _schedstat(self.server) if self.server else (0.0, 0.0)
        waiting = _schedstat("self")[1]
        return [time.perf_counter(), time.process_time(), waiting, 0.0, *server]

    def _charge(self) -> None:
        now = self._reading()
        spent = self.totals[tuple(self.stack)]
        for field, (before, after) in enumerate(zip(self.last, now, strict=True)):
            spent[field] += after - before
        self.last = now

    def enter(self, name: str) -> None:
        self._charge()
        self.stack.append(name)

    def leave(self) -> None:
        self._charge()
        self.stack.pop()

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.enter(name)
        try:
            yield
        finally:
            self.leave()

    def timed(self, name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            with self.phase(name):
                return work(*args, **kwargs)

        return run

    def timed_batches(self, name: str, batches: Iterator[Any]) -> Iterator[Any]:
        """`batches`, the time spent making each charged to `name`."""
        while True:
            with self.phase(name):
                batch = next(batches, None)
            if batch is None:
                return
            yield batch

    def report(self, title: str) -> None:
        print(f"\n{title}")
        print(f"{'phase':<46}" + "".join(f"{field:>19}" for field in FIELDS))
        for path, spent in sorted(self.totals.items()):
            if not path:
                continue
            spent[3] = spent[0] - spent[1] - spent[2]
            print(f"{' / '.join(path):<46}" + "".join(f"{value:>19.2f}" for value in spent))
        whole = [
            sum(spent[field] for path, spent in self.totals.items() if path) for field in range(6)
        ]
        print(f"{'all':<46}" + "".join(f"{value:>19.2f}" for value in whole))


@contextmanager
def _instrumented(meter: Meter) -> Iterator[None]:
    """The rebuild's parts charged to phases: statements by their first word, COPY, the
    scoring and explaining functions, the batches."""
    patched: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, name: str, wrap: Callable[[Any], Any]) -> None:
        if hasattr(owner, name):
            patched.append((owner, name, getattr(owner, name)))
            setattr(owner, name, wrap(getattr(owner, name)))

    def before(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        meter.enter(f"SQL {statement.split(None, 1)[0].upper()}")

    def after(*_: Any) -> None:
        meter.leave()

    def copying(make: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any) -> Any:
            return meter.timed("COPY", make(*args))

        return wrapped

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    patch(bulk_rows, "_copy", copying)
    patch(store, "_rank_seekers", lambda work: meter.timed("ranking", work))
    patch(Scene, "reasons", lambda work: meter.timed("reasons", work))
    patch(store, "_batch", lambda work: meter.timed("batches", work))
    patch(supplier_store, "_rank_opportunities", lambda work: meter.timed("ranking", work))
    patch(supplier_store, "_explained", lambda work: meter.timed("reasons", work))
    for name in ("row_batches", "supplier_row_batches"):
        patch(
            store if name == "row_batches" else supplier_store,
            name,
            lambda work: lambda *a, **k: meter.timed_batches("making rows", work(*a, **k)),
        )
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)


def _server_helpers() -> dict[str, int]:
    """The PostgreSQL server's own writing processes, by kind."""
    if db.engine.dialect.name != "postgresql":
        return {}
    rows = db.session.execute(
        text(
            "SELECT backend_type, pid FROM pg_stat_activity WHERE backend_type IN "
            "('walwriter', 'checkpointer', 'background writer')"
        )
    )
    return {kind: pid for kind, pid in rows}


def _io_stalled() -> float:
    """Seconds some task on the machine has stalled on I/O since boot."""
    with open("/proc/pressure/io") as found:
        some = found.readline().split()
    return int(some[-1].split("=")[1]) / 1e6


def _loaded_scene() -> Scene:
    """The published world, loaded."""
    scene = Scene()
    scene.pool  # noqa: B018
    for side in SIDES:
        scene.seekers(side)
    return scene


def rebuild(meter: Meter) -> None:
    """The rebuild as `flask match rebuild` runs it, in phases."""
    helpers = _server_helpers()
    helpers_before = {kind: _schedstat(pid)[0] for kind, pid in helpers.items()}
    stalled = _io_stalled()
    with _instrumented(meter):
        with meter.phase("offer level"):
            with meter.phase("loading the world"):
                scene = _loaded_scene()
            report = store.rebuild(scene=scene)
        del scene
        with meter.phase("supplier level"):
            with meter.phase("loading the world"):
                found = supplier_store.SupplierScene()
                found.world  # noqa: B018
                found.opportunities  # noqa: B018
            suppliers = supplier_store.rebuild_supplier_matches(found)
        with meter.phase("commit"):
            db.session.commit()
    print(f"{report.pairs:,} offer pairs and {suppliers:,} supplier pairs stored")
    for kind, pid in helpers.items():
        print(f"server's {kind}: {_schedstat(pid)[0] - helpers_before[kind]:.2f} s CPU")
    print(f"some task stalled on I/O for {_io_stalled() - stalled:.2f} s")


def digest() -> str:
    """A hash of every stored row, all columns but the time computed, in id order."""
    found = hashlib.sha256()
    for model in (*MODELS, SupplierRanking):
        columns = [c for c in model.__table__.columns if c.name not in ("computed_at", "ranked_at")]
        first = list(model.__table__.primary_key.columns)
        for row in db.session.execute(select(*columns).order_by(*first)):
            found.update(repr(tuple(row)).encode())
    return found.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suppliers", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2, help="rebuilds in a row (default 2)")
    arguments = parser.parse_args()
    with scratch_database("bench_rebuild") as (folder, url):
        app = build_test_app(url, str(folder))
        with app.app_context():
            load_shipped_frameworks()
            populate(Counts(suppliers=arguments.suppliers))
            db.session.commit()
            print(
                f"{db.engine.dialect.name}, {arguments.suppliers:,} suppliers; load average "
                "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
                flush=True,
            )
            for round_ in range(1, arguments.rounds + 1):
                stored = [db.session.scalar(select(func.count()).select_from(m)) for m in MODELS]
                print("rows stored before: {:,} offer pairs, {:,} supplier pairs".format(*stored))
                meter = Meter()
                if db.engine.dialect.name == "postgresql":
                    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
                    meter.server = pid
                    meter.last = meter._reading()
                rebuild(meter)
                meter.report(f"rebuild {round_} (seconds)")
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                print(f"digest {digest()}; peak {peak:.0f} MiB; load average", os.getloadavg())
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
