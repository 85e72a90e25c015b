"""Parts of pages kept between requests: in Redis when REDIS_URL is set (shared by every web
process and worker), otherwise in this process's memory (the embedded default; production
without Redis keeps nothing, since its processes could not share what changed).

Nothing changed is served from here. Each entry is stored with the *generation* it was made
in, and every commit starts a new generation (so does every flush, for the same
transaction's later reads), so an entry made before a change is never served after it: a
save costs one increment, not a list of what to forget. Entries also expire after
`CACHE_SECONDS`, which bounds the rare way an entry could outlive a change: a value worked
out from rows read just before another process's commit. With Redis unreachable every value
is worked out afresh (and Redis is left alone for `REDIS_RETRY_PAUSE` seconds, so one that
hangs costs a page half a second at most once): slower, never wrong. A commit made then
starts its new generation as soon as Redis answers again, before anything is read from it.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, render_template
from flask_sqlalchemy.session import Session
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy import event

from .extensions import cache
from .redis_back_off import RedisBackOff

GENERATION_KEY = "generation"
# Part of every key: raise it when a cached value changes shape, so that web processes of
# the new code never read entries an older deployment left in Redis (2: matches entries
# carry what the permission checks read of the listing).
SHAPES = 3
# In `g`: keys to read with the next entry (None), or as read then (generation, entry).
_READ_AHEAD = "caching_read_ahead"
AFRESH = "Working out every value afresh"
# A Redis that stops answering slows a page by this much, not by a hung worker.
REDIS_SOCKET_SECONDS = 0.5

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., Any])
log = logging.getLogger(__name__)


@dataclass
class _CacheRedis(RedisBackOff):
    """The cache's back-off from Redis, and whether a commit's new generation is still owed
    (started before the next read)."""

    generation_owed: bool = False


def _redis() -> _CacheRedis:
    return current_app.extensions.setdefault("caching.redis", _CacheRedis())


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    settings: dict[str, Any] = {
        "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_SECONDS"],
        "CACHE_KEY_PREFIX": f"brokerage:cache:{SHAPES}:",
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
    # URL value preprocessors run before every before_request function, signing in included.
    app.url_value_preprocessor(_read_ahead_for_view)


def cached(name: str, parts: Iterable[Hashable], work_out: Callable[[], T]) -> T:
    """The value `work_out()` returns for `name` and `parts`, kept until the next commit.

    `work_out` must read from the database everything the value shows: rows loaded before
    this call may predate the generation it is stored under.
    """
    key = _key(name, parts)
    redis = _redis()
    if redis.generation_owed:
        forget_everything()
    if redis.generation_owed or redis.resting:
        return work_out()
    ahead: dict[str, tuple[Any, Any] | None] = g.setdefault(_READ_AHEAD, {})
    try:
        found = ahead.pop(key, None)
        if found is not None:
            generation, entry = found
        else:
            wanted = [k for k, read in ahead.items() if read is None]
            generation, entry, *more = cache.get_many(GENERATION_KEY, key, *wanted)
            ahead.update((k, (generation, e)) for k, e in zip(wanted, more, strict=True))
    except RedisError:
        redis.failed(f"read {name} from the cache", AFRESH)
        return work_out()
    if entry is not None and entry[0] == generation:
        return entry[1]
    value = work_out()
    try:
        cache.set(key, (generation, value))
    except RedisError:
        redis.failed(f"keep {name} in the cache", AFRESH)
    return value


def read_ahead(name: str, *parts: Hashable) -> None:
    """Read this entry (of `cached(name, parts, ...)`) in the same round trip to Redis as the
    next entry this request reads: a signed-in page reads its person and its header
    together. Every commit or flush forgets what was read ahead."""
    g.setdefault(_READ_AHEAD, {}).setdefault(_key(name, parts), None)


def reads_ahead(read: Callable[..., None]) -> Callable[[View], View]:
    """Mark a view whose page is a cached entry: `read(**view_args)` calls `read_ahead` for
    it before the person is signed in, so the page comes in that same round trip to Redis."""

    def mark(view: View) -> View:
        view.read_ahead = read  # type: ignore[attr-defined]
        return view

    return mark


def _read_ahead_for_view(endpoint: str | None, view_args: dict[str, Any] | None) -> None:
    read = getattr(current_app.view_functions.get(endpoint or ""), "read_ahead", None)
    if read is not None:
        read(**(view_args or {}))


def cached_part(name: str, *parts: Hashable, caller: Callable[[], str]) -> Markup:
    """For templates: `{% call cached_part("header", current_user.get_id()) %}...{% endcall %}`
    renders the block once per `parts` until the next commit. The block may show only what
    `parts` and the database decide: never a CSRF token, a flashed message or the request."""
    return Markup(cached(part_name(name), parts, caller))  # noqa: S704 (rendered, escaped)


def part_name(name: str) -> str:
    """The cache's name for a template's `cached_part(name, ...)`, to `read_ahead` it."""
    return f"part.{name}"


def render_part(template: str, **context: Any) -> Markup:
    """A template rendered as a part of a page, to be cached and placed in another."""
    return Markup(render_template(template, **context))  # noqa: S704 (escaped by Jinja)


def forget_everything() -> None:
    """Start a new generation: every entry kept so far will be worked out again."""
    g.pop(_READ_AHEAD, None)
    redis = _redis()
    if redis.resting:
        redis.generation_owed = True
        return
    try:
        cache.cache.inc(GENERATION_KEY)
        redis.generation_owed = False
    except RedisError:
        redis.generation_owed = True
        redis.failed("start a new cache generation", AFRESH)


def _key(name: str, parts: Iterable[Hashable]) -> str:
    return f"{name}:{_digest(parts)}"


def _digest(parts: Iterable[Hashable]) -> str:
    return hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_flush")
def _data_changed(*_: object) -> None:
    if has_app_context():
        forget_everything()
