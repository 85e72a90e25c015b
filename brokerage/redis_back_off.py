"""Leaving Redis alone for a while after it failed. The cache and the job queue each keep
one back-off per app: until it ends they go on without Redis (values worked out afresh,
jobs run in the request), so a Redis that hangs costs one timeout, not one per page or job."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from flask import current_app

log = logging.getLogger(__name__)


@dataclass
class RedisBackOff:
    until: float = 0.0

    @property
    def resting(self) -> bool:
        """Whether Redis is still being left alone."""
        return time.monotonic() < self.until

    def failed(self, what: str, meanwhile: str) -> None:
        """Redis failed at `what`: leave it alone for `REDIS_RETRY_PAUSE` seconds, doing
        `meanwhile` instead."""
        pause = current_app.config["REDIS_RETRY_PAUSE"]
        self.until = time.monotonic() + pause
        log.warning("Could not %s: Redis is unreachable. %s for %s s.", what, meanwhile, pause)


def back_off_for(user: str) -> RedisBackOff:
    """This app's back-off for one user of Redis (the cache, the job queue)."""
    return current_app.extensions.setdefault(f"redis_back_off.{user}", RedisBackOff())
