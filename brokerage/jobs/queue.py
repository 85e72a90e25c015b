"""Queue slow work on RQ, or run it at once when there is no Redis.

With `REDIS_URL` set, `enqueue` puts the job on Redis for an RQ worker; a job that fails
is retried (`JOB_RETRY_INTERVALS`) and then kept in RQ's failed registry, which staff see.
Without Redis (the embedded default), or if Redis cannot be reached, the job runs in the
request: slower, but nothing is dropped. After Redis fails, this process runs jobs in the
request for `REDIS_RETRY_PAUSE` seconds before trying it again, so a Redis that hangs costs
one timeout, not one per job. Job functions follow the service rule: they
flush, and whoever runs them (the request, or `run_job` on a worker) commits.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker, get_current_job
from rq.registry import FailedJobRegistry

from ..extensions import db
from ..logs import REQUEST_ID

log = logging.getLogger(__name__)
QUEUE_NAME = "default"
# When each Redis client may be tried again after failing (a new client starts afresh).
_PAUSED_UNTIL: WeakKeyDictionary[Redis, float] = WeakKeyDictionary()


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


def _redis_paused(connection: Redis) -> bool:
    return time.monotonic() < _PAUSED_UNTIL.get(connection, 0.0)


def _pause_redis(connection: Redis) -> None:
    _PAUSED_UNTIL[connection] = time.monotonic() + current_app.config["REDIS_RETRY_PAUSE"]


def enqueue(function: Callable[..., Any], *args: Any, **kwargs: Any) -> str | None:
    """Run `function(*args, **kwargs)` on a worker; returns the job id, or None if run now."""
    connection = redis_connection()
    if connection is not None and not _redis_paused(connection):
        try:
            job = _queue(connection).enqueue(
                run_job,
                _path(function),
                args,
                kwargs,
                retry=Retry(
                    max=len(current_app.config["JOB_RETRY_INTERVALS"]),
                    interval=current_app.config["JOB_RETRY_INTERVALS"],
                ),
                description=function.__qualname__,
                meta={"request_id": REQUEST_ID.get()},
            )
            return job.id
        except RedisError:
            _pause_redis(connection)
            log.warning(
                "Redis is unreachable; running %s in the request, and further jobs for %s s",
                _path(function),
                current_app.config["REDIS_RETRY_PAUSE"],
            )
    function(*args, **kwargs)
    return None


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
            error=(job.latest_result().exc_string or "").strip().splitlines()[-1]
            if job.latest_result()
            else "",
        )
        for job in sorted(jobs, key=lambda j: j.ended_at or j.created_at, reverse=True)
    ]
