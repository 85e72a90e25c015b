"""Parts of pages kept between requests: in Redis when REDIS_URL is set (shared by every web
process and worker), otherwise in this process's memory (the embedded default; production
without Redis keeps nothing, since its processes could not share what changed).

Nothing changed is served from here. Each entry is stored with the *generation* it was made
in, and every commit starts a new generation (so does every flush, for the same
transaction's later reads), so an entry made before a change is never served after it: a
save costs one increment, not a list of what to forget. Entries also expire after
`CACHE_SECONDS`, which bounds the two rare ways an entry could outlive a change: a value
worked out from rows read just before another process's commit, or a commit whose new
generation could not be written because Redis had just gone away. With Redis unreachable
every value is worked out afresh: slower, never wrong.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import Flask, has_app_context, render_template
from flask_sqlalchemy.session import Session
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy import event

from .extensions import cache

GENERATION_KEY = "generation"
# A Redis that stops answering slows a page by this much, not by a hung worker.
REDIS_SOCKET_SECONDS = 0.5

T = TypeVar("T")
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    settings: dict[str, Any] = {
        "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_SECONDS"],
        "CACHE_KEY_PREFIX": "brokerage:cache:",
    }
    if redis_url:
        settings |= {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_OPTIONS": {
                "socket_timeout": REDIS_SOCKET_SECONDS,
                "socket_connect_timeout": REDIS_SOCKET_SECONDS,
            },
        }
    elif app.config.get("ENV_NAME") == "production":
        # Web processes without a shared store could not tell each other of a commit.
        settings |= {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    else:
        settings["CACHE_TYPE"] = "SimpleCache"  # the embedded default: one process
    cache.init_app(app, config=settings)
    app.jinja_env.globals["cached_part"] = cached_part


def cached(name: str, parts: Iterable[Hashable], work_out: Callable[[], T]) -> T:
    """The value `work_out()` returns for `name` and `parts`, kept until the next commit.

    `work_out` must read from the database everything the value shows: rows loaded before
    this call may predate the generation it is stored under.
    """
    key = f"{name}:{_digest(parts)}"
    try:
        generation, entry = cache.get_many(GENERATION_KEY, key)
    except RedisError:
        return work_out()
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = work_out()
    try:
        cache.set(key, (generation, value))
    except RedisError:
        log.warning("Could not keep %s in the cache: Redis is unreachable", name)
    return value


def cached_part(name: str, *parts: Hashable, caller: Callable[[], str]) -> Markup:
    """For templates: `{% call cached_part("header", current_user.get_id()) %}...{% endcall %}`
    renders the block once per `parts` until the next commit. The block may show only what
    `parts` and the database decide: never a CSRF token, a flashed message or the request."""
    return Markup(cached(f"part.{name}", parts, caller))  # noqa: S704 (rendered, escaped)


def render_part(template: str, **context: Any) -> Markup:
    """A template rendered as a part of a page, to be cached and placed in another."""
    return Markup(render_template(template, **context))  # noqa: S704 (escaped by Jinja)


def forget_everything() -> None:
    """Start a new generation: every entry kept so far will be worked out again."""
    try:
        cache.cache.inc(GENERATION_KEY)
    except RedisError:
        log.warning("Could not start a new cache generation: Redis is unreachable")


def _digest(parts: Iterable[Hashable]) -> str:
    return hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_flush")
def _data_changed(*_: object) -> None:
    if has_app_context():
        forget_everything()
