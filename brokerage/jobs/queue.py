"""Queue slow work on RQ, or run it at once when there is no Redis.

With `REDIS_URL` set, `enqueue` puts the job on Redis for an RQ worker; a job that fails
is retried (`JOB_RETRY_INTERVALS`) and then kept in RQ's failed registry, which staff see.
Without Redis (the embedded default), or if Redis cannot be reached, the job runs in this
process (`in_process.py`: after the commit, the request waiting for it a moment at most):
slower, but nothing is dropped. After Redis fails, this process runs jobs in the
request for `REDIS_RETRY_PAUSE` seconds before trying it again, so a Redis that hangs costs
one timeout, not one per job. Job functions follow the service rule: they
flush, and whoever runs them (the request, or `run_job` on a worker) commits.

A job queued by a transaction that has written something waits for that transaction's
commit, and is dropped if it rolls back: a worker taking it at once could read before the
rows exist, or act (send the email) on work that was then undone. After the commit (the
`jobs` subscriber of `changes`) it goes to Redis, or, without one, runs in a transaction
of its own: the commit it follows is never held up or undone by it.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask import Flask, Response, after_this_request, current_app, g, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy.orm import Session
from werkzeug.local import LocalProxy

from ..changes import Committed, Subscriber, committing, written_topics
from ..extensions import db
from ..logs import REQUEST_ID
from ..redis_back_off import RedisBackOff, back_off_for
from .in_process import run_in_process

log = logging.getLogger(__name__)
QUEUE_NAME = "default"
IN_PROCESS = "Running jobs in this process"


def redis_connection() -> Redis | None:
    """The app's Redis client, made once per app; None when REDIS_URL is not set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if "redis" not in current_app.extensions:
        current_app.extensions["redis"] = Redis.from_url(
            url, socket_timeout=5, socket_connect_timeout=2
        )
    return current_app.extensions["redis"]


def _queue(connection: Redis) -> Queue:
    return Queue(QUEUE_NAME, connection=connection)


def _path(function: Callable[..., Any]) -> str:
    if "<" in function.__qualname__:
        raise ValueError(
            f"{function.__qualname__} is not a module-level function; RQ cannot import it."
        )
    return f"{function.__module__}:{function.__qualname__}"


def _back_off() -> RedisBackOff:
    return back_off_for("jobs")


def enqueue(function: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Run `function(*args, **kwargs)` on a worker; returns the job id, or None if it runs
    now in this process or waits for this transaction's commit (see the module's notes)."""
    path = _path(function)  # refused now, not at the commit, if RQ could not import it
    if committing():
        return _send_or_run_alone(function, args, kwargs)
    session = db.session()
    if _has_written(session):
        session.info.setdefault(_AFTER_COMMIT, []).append((function, args, kwargs))
        return None
    connection = redis_connection()
    if connection is None or _back_off().resting:
        function(*args, **kwargs)
        return None
    job_id = _push(connection, path, args, kwargs)
    if job_id is None:
        function(*args, **kwargs)
    return job_id


def _push(
    connection: Redis, path: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> str | None:
    """Put the job on Redis; None (and Redis paused) if Redis cannot be reached."""
    try:
        job = _queue(connection).enqueue(
            run_job,
            path,
            args,
            kwargs,
            retry=Retry(
                max=len(current_app.config["JOB_RETRY_INTERVALS"]),
                interval=current_app.config["JOB_RETRY_INTERVALS"],
            ),
            description=path.partition(":")[2],
            meta={"request_id": REQUEST_ID.get()},
        )
        return job.id
    except RedisError:
        _back_off().failed(f"queue {path}", IN_PROCESS)
        return None


def enqueue_after_reading(function: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Queue work that a read sets off (a page found something missing to store) without
    writing in the reader's transaction: a GET writes nothing. In a request it goes once the
    view has answered: to Redis or, without one, run in a transaction of its own after the
    request's reading is ended (on SQLite an open read would hold the job's commit off).
    Outside a request (a command, a job), or in a transaction that has written, it is
    `enqueue`d (and waits for the commit)."""
    _path(function)  # refused now, not after the view, if RQ could not import it
    if not has_request_context() or committing() or _has_written(db.session()):
        enqueue(function, *args, **kwargs)
        return

    @after_this_request
    def send(response: Response) -> Response:
        db.session.rollback()  # the request's reading is done: it wrote nothing
        _send_or_run_alone(function, args, kwargs)
        return response


# Holding jobs until the commit ------------------------------------------------------

_AFTER_COMMIT = "jobs_after_commit"


def _has_written(session: Session) -> bool:
    return bool(written_topics() or session.new or session.dirty or session.deleted)


def _send_or_run_alone(function: Callable[..., Any], args: tuple, kwargs: dict) -> str | None:
    """After a commit: to Redis, or (without one) run now in a transaction of its own."""
    connection = redis_connection()
    path = _path(function)
    if connection is not None and not _back_off().resting:
        job_id = _push(connection, path, args, kwargs)
        if job_id is not None:
            return job_id
    request_id = REQUEST_ID.get()

    def run() -> None:
        token = REQUEST_ID.set(request_id)  # the job thread's lines name the request too
        try:
            run_job(path, args, kwargs)
        finally:
            REQUEST_ID.reset(token)

    wait = _wait_left()
    # The app itself, not the proxy: the job thread has no context for the proxy to read.
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    run_in_process(app, run, path, wait)
    return None


def _wait_left() -> float | None:
    """How long this request may still wait for its jobs (one allowance for all of them);
    None outside a request or when set to wait for every job to end."""
    wait = current_app.config["JOB_WAIT_IN_REQUEST_SECONDS"]
    if wait is None or not has_request_context():
        return None
    now = time.monotonic()
    if "jobs_waited_for_until" not in g:
        g.jobs_waited_for_until = now + wait
    return max(0.0, g.jobs_waited_for_until - now)


def queue_held_jobs(_committed: Committed) -> None:
    """The jobs subscriber: what the committed transaction queued goes now."""
    for function, args, kwargs in db.session().info.pop(_AFTER_COMMIT, []):
        _send_or_run_alone(function, args, kwargs)


def forget_held_jobs(_rolled_back: Committed) -> None:
    """Jobs queued by work that was undone (or never committed) go with it."""
    db.session().info.pop(_AFTER_COMMIT, None)


SUBSCRIBER = Subscriber("jobs", queue_held_jobs, forget_held_jobs)


def run_job(path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a worker runs: the job function, then one commit (or a rollback on failure).

    Its log lines carry the id of the request that queued it.
    """
    job = get_current_job()
    token = REQUEST_ID.set(job.meta.get("request_id", "-") if job else REQUEST_ID.get())
    module_name, _, name = path.partition(":")
    function = getattr(importlib.import_module(module_name), name)
    log.info("Job %s started", path)
    try:
        result = function(*args, **kwargs)
        db.session.commit()
        log.info("Job %s done", path)
        return result
    except Exception:
        db.session.rollback()
        log.exception("Job %s failed", path)
        raise
    finally:
        db.session.remove()
        REQUEST_ID.reset(token)


def work(burst: bool = False) -> bool:
    """Run a worker in this process, in the app context, until stopped (or empty, with burst)."""
    connection = redis_connection()
    if connection is None:
        raise RuntimeError("REDIS_URL is not set: jobs run in the request and need no worker.")
    worker = SimpleWorker([_queue(connection)], connection=connection)
    return worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


@dataclass(frozen=True)
class FailedJob:
    id: str
    description: str
    failed_at: datetime | None
    error: str


def _last_error_line(job: Job) -> str:
    """The last line of the traceback the job's latest run left, if any."""
    result = job.latest_result()
    if result is None:
        return ""
    lines = (result.exc_string or "").strip().splitlines()
    return lines[-1] if lines else ""


def failed_jobs(limit: int = 50) -> list[FailedJob]:
    """Jobs that failed after every retry, newest first, for staff to see."""
    connection = redis_connection()
    if connection is None:
        return []
    registry = FailedJobRegistry(queue=_queue(connection))
    jobs = [
        registry.job_class.fetch(job_id, connection=connection)
        for job_id in registry.get_job_ids()[:limit]
    ]
    return [
        FailedJob(
            id=job.id,
            description=job.description or "",
            failed_at=job.ended_at,
            error=_last_error_line(job),
        )
        for job in sorted(jobs, key=lambda j: j.ended_at or j.created_at, reverse=True)
    ]
