"""Jobs run in this process when there is no Redis, without holding a response for long.

A request's job (a save's matches recompute, an email) runs after the commit on this
process's one job thread, in an app context and a transaction of its own, and the request
waits for it at most `JOB_WAIT_IN_REQUEST_SECONDS`: on the demo's few listings a recompute
ends well inside that, so the page the save leads to shows the new matches; at 50,000
suppliers the first recompute in a process reads the whole published world (seconds), and
the response goes without it while the job goes on. Jobs run one at a time, in the order
they came, so two saves' recomputes never overlap. A process that exits waits for the jobs
it still holds (`drain`); one killed loses them, as a request killed mid-job did before.

Outside a request (a `flask` command, a worker), or with the setting None (the tests), a
job runs to its end on the caller's thread.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask

log = logging.getLogger(__name__)
# How long a process that exits waits for the jobs it still holds.
DRAIN_SECONDS = 120.0


@dataclass
class _Job:
    app: Flask | None  # None: the marker `drain` waits for
    run: Callable[[], object]
    name: str
    done: threading.Event = field(default_factory=threading.Event)


class JobThread:
    """One daemon thread per process running jobs in order, each in its app's context."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def submit(self, app: Flask, run: Callable[[], object], name: str) -> threading.Event:
        """Queue `run` for the job thread; the event is set once it has ended either way."""
        job = _Job(app, run, name)
        with self._lock:
            if self._thread is None or self._pid != os.getpid():  # none yet, or forked
                self._jobs = queue.SimpleQueue()
                self._thread = threading.Thread(
                    target=self._work, args=(self._jobs,), name="brokerage-jobs", daemon=True
                )
                self._pid = os.getpid()
                self._thread.start()
            self._jobs.put(job)
        return job.done

    def drain(self, timeout: float = DRAIN_SECONDS) -> bool:
        """Wait for every job queued so far; False if some were still running at `timeout`."""
        with self._lock:
            if self._thread is None or self._pid != os.getpid():
                return True
            last = _Job(None, lambda: None, "drain")
            self._jobs.put(last)
        return last.done.wait(timeout)

    @staticmethod
    def _work(jobs: queue.SimpleQueue[_Job | None]) -> None:
        while (job := jobs.get()) is not None:
            try:
                if job.app is not None:
                    with job.app.app_context():
                        job.run()
            except Exception:  # noqa: BLE001 (the job logged its own failure)
                log.warning("Job %s, run after a response, failed", job.name)
            finally:
                job.done.set()


JOBS = JobThread()


def run_in_process(app: Flask, run: Callable[[], object], name: str, wait: float | None) -> None:
    """Run a job now (`wait` None) or on the job thread, waiting for it at most `wait` s."""
    if wait is None:
        with app.app_context():  # a session of its own: the committed one cannot write
            try:
                run()
            except Exception:  # noqa: BLE001 (logged by the job; the commit it follows stands)
                log.warning("Job %s, set off by a commit, failed after it", name)
        return
    if not JOBS.submit(app, run, name).wait(wait):
        log.info("Job %s goes on after the response (waited %.2f s)", name, wait)


atexit.register(JOBS.drain)
