"""The shared Redis on 127.0.0.1, one set of databases per pytest-xdist worker, so that
parallel workers never empty each other's data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError

from brokerage.extensions import cache

# Redis has databases 0 to 15; 0 is the app's own (`make run`, `make prod`). Each worker
# (gw0, gw1, ...; a run without xdist counts as gw0) takes three of the other fifteen.
_DATABASES_PER_WORKER = 3
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
if _WORKER >= 15 // _DATABASES_PER_WORKER:
    raise RuntimeError(
        f"Redis has databases for {15 // _DATABASES_PER_WORKER} test workers: run fewer (-n)"
    )
_FIRST = 15 - _DATABASES_PER_WORKER * _WORKER


def _url(database: int) -> str:
    return f"redis://127.0.0.1:6379/{database}"


# The suite's Redis, the production stack's and the reverse proxy's, for this worker.
TEST_REDIS_URL = _url(_FIRST)
STACK_REDIS_URL = _url(_FIRST - 1)
PROXY_REDIS_URL = _url(_FIRST - 2)
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


@contextmanager
def redis_configured(app: Flask, url: str, **settings: Any) -> Iterator[None]:
    """The app uses Redis at `url` (emptied before and after if reachable) for the block."""

    def _flush() -> None:
        with suppress(RedisError):  # an unreachable Redis is what some tests want
            Redis.from_url(url, socket_connect_timeout=1).flushdb()

    def _forget_client() -> None:  # and when it failed: a new Redis starts afresh
        for key in ("redis", "redis_back_off.jobs"):
            app.extensions.pop(key, None)

    _flush()
    app.config.update(REDIS_URL=url, **settings)
    _forget_client()
    try:
        yield
    finally:
        app.config.update(REDIS_URL=None)
        _forget_client()
        _flush()


def counted_cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Each round trip to the cache from now on, as the keys it read."""
    reads: list[tuple[str, ...]] = []
    read = cache.get_many

    def counted(*keys: str) -> list:
        reads.append(keys)
        return read(*keys)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads
