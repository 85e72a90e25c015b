"""What both full rebuilds share: work split among forked worker processes, and a running
best N per offer (or supplier) that seekers scored in pieces build and the parent merges.

A rebuild scores each seeker against the whole world on its own, so on a machine with
several cores the seekers are split among worker processes forked once the world is loaded:
they read it as the parent left it (shared, not copied or sent), never touch the database
(each leaves the parent's connections alone), and send back arrays and reasons, which the
parent merges and writes while they carry on. One process (the tests' setting) does the
same work in the parent itself.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from multiprocessing.pool import Pool
from types import TracebackType
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
from flask import current_app, has_app_context

from ..extensions import db
from ..matching.engine import TIE_DECIMALS
from . import scene
from .scene import Ranked, merged_pairs, offer_ranks

State = TypeVar("State")
Task = TypeVar("Task")
Result = TypeVar("Result")
Done = Callable[[int], None]
# How often the parent, waiting for a worker, passes on the progress they report (seconds).
PROGRESS_EVERY = 0.5

# In a worker: what it was forked with (see Workers).
_state: Any = None
_count: Any = None


def rebuild_processes() -> int:
    """How many processes a rebuild scores in: MATCH_REBUILD_PROCESSES (0: as many as the
    machine has cores); 1 outside an app."""
    if not has_app_context():
        return 1
    setting = current_app.config.get("MATCH_REBUILD_PROCESSES")
    return max(1, int(setting or os.cpu_count() or 1))


# Ranges of seekers handed to each worker: several small ones rather than one large one, so
# that what a worker has built for a range (its seekers' reasons and running best N) is
# sent and let go as it goes, not held until its share of the side is done.
RANGES_PER_WORKER = 8


def worker_ranges(count: int, processes: int) -> list[range]:
    """0..count-1 split for `processes` processes: in one range for one process (which
    keeps it), in RANGES_PER_WORKER ranges a worker otherwise."""
    return split(count, 1 if processes == 1 else processes * RANGES_PER_WORKER)


def split(count: int, parts: int) -> list[range]:
    """0..count-1 in `parts` consecutive ranges of about equal length (none empty)."""
    parts = max(1, min(parts, count))
    edges = np.linspace(0, count, parts + 1).round().astype(int).tolist()
    return [range(start, stop) for start, stop in zip(edges, edges[1:], strict=False)]


def _forked(state: Any, count: Any, engines: list[Any]) -> None:
    """A worker's start: keep what it works on, drop the parent's database connections
    without closing them (they are the parent's: SQLAlchemy's advice for forked children),
    and end when told to: a handler the parent set for SIGTERM (an RQ worker's, which waits
    for a job it thinks is running) would keep `Pool.terminate` waiting for ever."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _state, _count
    _state, _count = state, count
    for engine in engines:
        engine.dispose(close=False)


def _done(done: int) -> None:
    with _count.get_lock():
        _count.value += done


def _call(job: tuple[Callable[[Any, Any, Done], Any], Any]) -> Any:
    work, task = job
    return work(_state, task, _done)


class Workers(Generic[State]):
    """`processes` workers forked with `state` loaded (in this process alone if 1), to map
    module-level functions `work(state, task, done)` over tasks; `done(n)` reports progress.
    Use as a context manager: the workers end with the block."""

    def __init__(self, state: State, processes: int) -> None:
        self.state, self.processes = state, processes
        self._pool: Pool | None = None
        self._count: Any = None
        self._reported = 0

    def __enter__(self) -> Workers[State]:
        if self.processes > 1:
            context = multiprocessing.get_context("fork")
            self._count = context.Value("q", 0)
            engines = list(db.engines.values()) if has_app_context() else []
            # The world's objects are left out of the workers' garbage collections, which
            # would otherwise write to every one and so copy the pages they share; what is
            # already garbage (an earlier rebuild's world) is collected first, not shared.
            gc.collect()
            gc.freeze()
            try:
                self._pool = context.Pool(
                    self.processes, _forked, (self.state, self._count, engines)
                )
            finally:
                gc.unfreeze()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if kind is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None

    def map(
        self,
        work: Callable[[State, Task, Done], Result],
        tasks: Sequence[Task],
        progress: Done = lambda done: None,
    ) -> Iterator[Result]:
        """`work(state, task, done)` for each task, results in the order of `tasks`, each
        as soon as it and those before it are done."""
        if self._pool is None:
            for task in tasks:
                yield work(self.state, task, progress)
            return
        results = self._pool.imap(_call, [(work, task) for task in tasks])
        for _ in tasks:
            while True:
                try:
                    result = results.next(timeout=PROGRESS_EVERY)
                    break
                except multiprocessing.TimeoutError:
                    self._report(progress)
            self._report(progress)
            yield result

    def _report(self, progress: Done) -> None:
        """Pass on the progress the workers reported since last time."""
        now = int(self._count.value)
        if now > self._reported:
            progress(now - self._reported)
            self._reported = now


def repeated(values: Mapping[str, Any], size: int) -> dict[str, list[Any]]:
    """Columns of `size` rows holding the same value each (what every row of a batch shares)."""
    return {name: [value] * size for name, value in values.items()}


def ranks_or_none(ranks: np.ndarray) -> list[int | None]:
    """A rank column as stored: 0 (not in that side's top N) as None."""
    return [rank or None for rank in ranks.tolist()]


class RunningBest:
    """Each offer's (or supplier's) best N seekers so far, with their parts, in arrays
    (a row per offer), as seekers are scored one after another, oldest first: best()'s
    order, so of equal scores the older seeker is kept. Built over separate ranges of
    seekers, they merge into what one pass over them all keeps."""

    def __init__(self, rows: int, parts: int) -> None:
        top_n = scene.TOP_N
        self.parts = np.full((rows, top_n, parts), -np.inf)
        self.kept_by = np.full((rows, top_n), -1, dtype=np.int64)
        # Kept scores rounded as best() compares them.
        self.rounded = np.full((rows, top_n), -np.inf)
        self.floor = np.full(rows, -np.inf)
        self.slot = np.zeros(rows, dtype=np.int64)

    def offer(
        self, seeker: int, totals: np.ndarray, parts: Callable[[np.ndarray], np.ndarray]
    ) -> None:
        """A seeker newer than any offered before, with its total for each row (-inf: not
        to be kept); `parts(rows)` its parts for those rows. Rows whose weakest kept seeker
        it beats (a tie keeps the older) take it in that one's place."""
        rounded = np.round(totals, TIE_DECIMALS)
        gaining = np.flatnonzero(rounded > self.floor)
        slot = self.slot[gaining]
        self.parts[gaining, slot] = parts(gaining)
        self.kept_by[gaining, slot] = seeker
        self.rounded[gaining, slot] = rounded[gaining]
        self.slot[gaining], self.floor[gaining] = scene.weakest_kept(
            self.rounded[gaining], self.kept_by[gaining]
        )

    def merge(self, other: RunningBest) -> None:
        """Keep the best N of both, by score then the older seeker (best()'s order, which
        one pass over both ranges of seekers keeps)."""
        rows = np.flatnonzero(other.rounded.max(axis=1, initial=-np.inf) > self.floor)
        rounded = np.concatenate([self.rounded[rows], other.rounded[rows]], axis=1)
        kept_by = np.concatenate([self.kept_by[rows], other.kept_by[rows]], axis=1)
        best = np.lexsort((kept_by, -rounded))[:, : self.rounded.shape[1]]
        self.rounded[rows] = np.take_along_axis(rounded, best, axis=1)
        self.kept_by[rows] = np.take_along_axis(kept_by, best, axis=1)
        parts = np.concatenate([self.parts[rows], other.parts[rows]], axis=1)
        self.parts[rows] = np.take_along_axis(parts, best[:, :, np.newaxis], axis=1)
        self.slot[rows], self.floor[rows] = scene.weakest_kept(
            self.rounded[rows], self.kept_by[rows]
        )

    def kept(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The kept pairs: each one's row, seeker and parts."""
        rows, slots = np.nonzero(self.kept_by >= 0)
        return rows, self.kept_by[rows, slots], self.parts[rows, slots]


# A seeker's totals against every row of the other side (-inf: not to be kept), and a
# function giving its parts for some of those rows.
Scored = Callable[[int], tuple[np.ndarray, Callable[[Any], np.ndarray]]]
# What is said of a seeker's top N: (seeker, its top rows best first, their parts).
Explain = Callable[[int, list[int], np.ndarray], Any]


class RangeRanked(NamedTuple):
    """A range of seekers ranked: each one's top N rows of the other side (best first, -1
    none) with their parts and what `explain` said of them, and the running best N of
    each row of the other side."""

    top: np.ndarray
    top_parts: np.ndarray
    explained: list[Any]
    kept: RunningBest


def rank_range(
    seekers: range, rows: int, parts: int, scored: Scored, explain: Explain, done: Done
) -> RangeRanked:
    """Score each of `seekers` (oldest first) against the `rows` of the other side, keeping
    its top N and, for each row, its best N seekers; `parts` numbers per pair."""
    top_n = scene.TOP_N
    top = np.full((len(seekers), top_n), -1, dtype=np.int64)
    top_parts = np.zeros((len(seekers), top_n, parts))
    kept = RunningBest(rows, parts)
    explained = []
    for at, seeker in enumerate(seekers):
        totals, parts_of = scored(seeker)
        best = scene.best(totals)
        top[at, : len(best)] = best
        top_parts[at, : len(best)] = best_parts = parts_of(best)
        explained.append(explain(seeker, best, best_parts))
        kept.offer(seeker, totals, parts_of)
        done(1)
    return RangeRanked(top, top_parts, explained, kept)


def ranked_pairs(ranges: Iterable[RangeRanked], rows: int) -> Ranked:
    """One pair per (seeker, row) either side ranks in its top N, from consecutive ranges
    of seekers ranked (the first range's first seeker the first one; at least one range),
    with both ranks. Each range's running best N is merged as it comes, and let go."""
    tops, top_parts_of = [], []
    kept: RunningBest | None = None
    for ranked in ranges:
        tops.append(ranked.top)
        top_parts_of.append(ranked.top_parts)
        if kept is None:
            kept = ranked.kept
        else:
            kept.merge(ranked.kept)
    if kept is None:
        raise ValueError("No range of seekers ranked.")
    top, top_parts = np.concatenate(tops), np.concatenate(top_parts_of)
    seekers, columns = np.nonzero(top >= 0)
    by_seeker = (seekers, top[seekers, columns], columns + 1, top_parts[seekers, columns])
    return merged_pairs(by_seeker, offer_ranks(*kept.kept()), rows)
