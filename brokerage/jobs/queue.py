"""Queue slow work on RQ, or run it at once when there is no Redis.

With `REDIS_URL` set, `enqueue` puts the job on Redis for an RQ worker; a job that fails
is retried (`JOB_RETRY_INTERVALS`) and then kept in RQ's failed registry, which staff see.
Without Redis (the embedded default), or if Redis cannot be reached, the job runs in the
request: slower, but nothing is dropped. After Redis fails, this process runs jobs in the
request for `REDIS_RETRY_PAUSE` seconds before trying it again, so a Redis that hangs costs
one timeout, not one per job. Job functions follow the service rule: they
flush, and whoever runs them (the request, or `run_job` on a worker) commits.

A job queued by a transaction that has written something goes to Redis only once that
transaction commits, and never if it rolls back: a worker taking it at once could read
before the rows exist, or act (send the email) on work that was then undone. Should Redis
be paused by then, such jobs run in the transaction just before its commit instead.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from ..extensions import db
from ..logs import REQUEST_ID
from ..redis_back_off import RedisBackOff, back_off_for

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
    connection = redis_connection()
    if connection is None or _back_off().resting:
        function(*args, **kwargs)
        return None
    path = _path(function)  # refused now, not at the commit, if RQ could not import it
    session = db.session()
    if _has_written(session):
        session.info.setdefault(_AFTER_COMMIT, []).append((function, args, kwargs))
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


# Holding jobs until the commit ------------------------------------------------------

_WRITTEN = "jobs_transaction_wrote"
_AFTER_COMMIT = "jobs_after_commit"


def _has_written(session: Session) -> bool:
    return bool(session.info.get(_WRITTEN) or session.new or session.dirty or session.deleted)


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, context: Any) -> None:
    session.info[_WRITTEN] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_write(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WRITTEN] = True


def redis_reachable() -> bool:
    """Whether Redis answers now (checked before a commit that has jobs to queue); a
    failure leaves Redis alone for a while, as `enqueue` does."""
    connection = redis_connection()
    if connection is None or _back_off().resting:
        return False
    try:
        return bool(connection.ping())
    except RedisError:
        _back_off().failed("queue this transaction's jobs", IN_PROCESS)
        return False


@event.listens_for(Session, "before_commit")
def _run_held_jobs_if_redis_is_away(session: Session) -> None:
    """Without a reachable Redis, held jobs run inside the transaction (and may hold more)."""
    if not session.info.get(_AFTER_COMMIT) or not has_app_context():
        return
    if redis_reachable():
        return
    while session.info.get(_AFTER_COMMIT):
        function, args, kwargs = session.info[_AFTER_COMMIT].pop(0)
        function(*args, **kwargs)


@event.listens_for(Session, "after_commit")
def _queue_held_jobs(session: Session) -> None:
    held = session.info.pop(_AFTER_COMMIT, [])
    session.info.pop(_WRITTEN, None)
    if not held or not has_app_context():
        return
    connection = redis_connection()
    for function, args, kwargs in held:
        if connection is None or _push(connection, _path(function), args, kwargs) is None:
            # Redis went away since before_commit, and the session cannot write after a commit.
            log.error("Job %s was not queued: Redis failed during the commit", _path(function))


@event.listens_for(Session, "after_transaction_end")
def _forget_held_jobs(session: Session, transaction: SessionTransaction) -> None:
    """Once the transaction is over, its held jobs were queued (a commit) or go with its
    work (a rollback, or a session closed without committing)."""
    if transaction.parent is None:
        session.info.pop(_AFTER_COMMIT, None)
        session.info.pop(_WRITTEN, None)


def run_job(path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """What a worker runs: the job function, then one commit (or a rollback on failure).

    Its log lines carry the id of the request that queued it.
    """
    job = get_current_job()
    token = REQUEST_ID.set(job.meta.get("request_id", "-") if job else "-")
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
