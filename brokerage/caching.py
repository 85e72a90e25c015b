"""Parts of pages kept between requests: in Redis when REDIS_URL is set (shared by every web
process and worker), otherwise in this process's memory (the embedded default; production
without Redis keeps nothing, since its processes could not share what they keep).

Nothing changed is served from here. Each entry is keyed by the versions of the topics it
reads (`changes.TopicVersion`), which every commit that writes a topic raises in its own
transaction: once it is committed, any process reading the versions asks for a new key.
The versions are read once per transaction (a read request is one). A transaction that has
written a topic itself neither reads nor keeps entries of that topic (it may hold what
others cannot see yet). Entries also expire after `CACHE_SECONDS`, which only frees space.
With Redis unreachable every value is worked out afresh (and Redis is left alone for
`REDIS_RETRY_PAUSE` seconds, so one that hangs costs a page half a second at most once):
slower, never wrong.

Small entries every page reads (the signed-in person, their memberships, the header) are
also kept in each web process's memory beside Redis (`ProcessCopies`), under the same keys:
as never stale as Redis's, and a page that needs nothing else from the cache asks Redis
nothing. Redis stays the store that processes share.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import Flask, current_app, g, render_template
from markupsafe import Markup
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from .changes import Committed, Subscriber, unwritten_versions
from .extensions import cache
from .redis_back_off import RedisBackOff

# In `g`: the keys to read with the next entry (None), or as read then (the entry).
_READ_AHEAD = "caching_read_ahead"
# In `g`: reading the topic versions failed in this request.
_DATABASE_AWAY = "caching_database_away"
# In `app.extensions`: this process's copies of small entries, when Redis is the store.
_PROCESS_COPIES = "caching.process_copies"
AFRESH = "Working out every value afresh"
# A Redis that stops answering slows a page by this much, not by a hung worker.
REDIS_SOCKET_SECONDS = 0.5
# Every key's start; processes with another (`CACHE_KEY_PREFIX`) share a Redis database
# without serving each other's entries, and emptying the cache empties only their own.
KEY_PREFIX = "brokerage:cache:"
# The most each web process keeps of the cache in its own memory (ProcessCopies), in bytes.
PROCESS_COPIES_BYTES = 4_000_000

T = TypeVar("T")
View = TypeVar("View", bound=Callable[..., Any])
log = logging.getLogger(__name__)


def _redis() -> RedisBackOff:
    return current_app.extensions.setdefault("caching.redis", RedisBackOff())


def init_app(app: Flask) -> None:
    redis_url = app.config.get("REDIS_URL")
    settings: dict[str, Any] = {
        "CACHE_DEFAULT_TIMEOUT": app.config["CACHE_SECONDS"],
        "CACHE_KEY_PREFIX": app.config.get("CACHE_KEY_PREFIX", KEY_PREFIX),
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
        # Web processes without a shared store would each keep their own copy of everything.
        settings |= {"CACHE_TYPE": "NullCache", "CACHE_NO_NULL_WARNING": True}
    else:
        settings["CACHE_TYPE"] = "SimpleCache"  # the embedded default: one process
    cache.init_app(app, config=settings)
    if redis_url:
        app.extensions[_PROCESS_COPIES] = ProcessCopies(PROCESS_COPIES_BYTES)
    app.jinja_env.globals["cached_part"] = cached_part
    # URL value preprocessors run before every before_request function, signing in included.
    app.url_value_preprocessor(_read_ahead_for_view)


def versions_of(topics: Iterable[str]) -> tuple[int, ...] | None:
    """The versions of `topics` this transaction sees (`changes.topic_versions`); None if
    this transaction has written one of them, or the database failed earlier in this
    request (its error page is worked out afresh): then nothing of them may be served or
    kept. The first failure is raised, so the request answers 503 after one timeout."""
    topics = sorted(topics)
    if not topics:
        return ()
    if database_away():
        return None
    try:
        return unwritten_versions(topics)
    except SQLAlchemyError:
        g.setdefault(_DATABASE_AWAY, True)
        raise


def database_away() -> bool:
    """Whether the database failed to answer earlier in this request."""
    return bool(g.get(_DATABASE_AWAY))


def cached(
    name: str,
    parts: Iterable[Hashable],
    topics: Iterable[str],
    work_out: Callable[[], T],
    *,
    in_process: bool = False,
) -> T:
    """The value `work_out()` returns for `name` and `parts`, kept while none of `topics`
    (everything the value reads from the database) changes; `in_process`: a small value
    every page reads, kept in this process's memory too."""
    key = _key(name, parts, topics)
    redis = _redis()
    if key is None or redis.resting:
        return work_out()
    copies = _process_copies()
    if copies is not None and (entry := copies.get(key)) is not None:
        return entry[0]
    ahead: dict[str, Any] = g.setdefault(_READ_AHEAD, {})
    try:
        if ahead.get(key) is not None:
            entry = ahead.pop(key)
        else:
            ahead.pop(key, None)
            wanted = [k for k, read in ahead.items() if read is None]
            entry, *more = cache.get_many(key, *wanted)
            ahead.update(zip(wanted, more, strict=True))
    except RedisError:
        redis.failed(f"read {name} from the cache", AFRESH)
        return work_out()
    if entry is None:
        entry = (work_out(),)  # in a tuple: a value of None is kept too
        try:
            cache.set(key, entry)
        except RedisError:
            redis.failed(f"keep {name} in the cache", AFRESH)
            return entry[0]
    if in_process and copies is not None:
        copies.keep(key, entry)
    return entry[0]


class ProcessCopies:
    """Entries kept in this process's memory under their keys in Redis, which name the
    versions of what they read, so a copy is as current as Redis's. Kept pickled, so no
    page changes what the next is served; past `limit` bytes the least recently used go."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()  # a web process runs two threads

    def get(self, key: str) -> tuple[Any] | None:
        with self.lock:
            pickled = self.entries.get(key)
            if pickled is None:
                return None
            self.entries.move_to_end(key)
        entry: tuple[Any] = pickle.loads(pickled)  # noqa: S301 (pickled by this process)
        return entry

    def holds(self, key: str) -> bool:
        return key in self.entries

    def keep(self, key: str, entry: tuple[Any]) -> None:
        pickled = pickle.dumps(entry, pickle.HIGHEST_PROTOCOL)
        with self.lock:
            self.size += len(pickled) - len(self.entries.pop(key, b""))
            self.entries[key] = pickled
            while self.size > self.limit:
                self.size -= len(self.entries.popitem(last=False)[1])


def _process_copies() -> ProcessCopies | None:
    return current_app.extensions.get(_PROCESS_COPIES)


def read_ahead(name: str, parts: Iterable[Hashable], topics: Iterable[str]) -> None:
    """Read this entry (of `cached(name, parts, topics, ...)`) in the same round trip to
    Redis as the next entry this request reads: a signed-in page reads its person and its
    header together."""
    key = _key(name, parts, topics)
    copies = _process_copies()
    if key is not None and not (copies is not None and copies.holds(key)):
        g.setdefault(_READ_AHEAD, {}).setdefault(key, None)


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


# What the page header shows: the person, their organisations, the plan pages they may
# see and their unread notifications.
HEADER_TOPICS = ("people", "organisations", "plan", "notifications")


def cached_part(name: str, *parts: Hashable, caller: Callable[[], str]) -> Markup:
    """For templates: `{% call cached_part("header", current_user.get_id()) %}...{% endcall %}`
    renders the block once per `parts` while `PART_TOPICS[name]` stay as they are. The
    block may show only what `parts` and the database decide: never a CSRF token, a flashed
    message or the request."""
    entry = part_name(name)
    return Markup(cached(entry, parts, PART_TOPICS[name], caller, in_process=True))  # noqa: S704


PART_TOPICS = {"header": HEADER_TOPICS}


def part_name(name: str) -> str:
    """The cache's name for a template's `cached_part(name, ...)`, to `read_ahead` it."""
    return f"part.{name}"


def render_part(template: str, **context: Any) -> Markup:
    """A template rendered as a part of a page, to be cached and placed in another."""
    return Markup(render_template(template, **context))  # noqa: S704 (escaped by Jinja)


def forget_read_ahead(_committed: Committed) -> None:
    """The caches subscriber: what was read ahead under the versions before the commit is
    no use after it (the next transaction reads the versions the commit raised)."""
    g.pop(_READ_AHEAD, None)


SUBSCRIBER = Subscriber("caches", forget_read_ahead)


def _key(name: str, parts: Iterable[Hashable], topics: Iterable[str]) -> str | None:
    topics = sorted(topics)
    versions = versions_of(topics)
    if versions is None:
        return None
    return f"{name}:{_digest(parts)}:" + ".".join(
        f"{t}{v}" for t, v in zip(topics, versions, strict=True)
    )


def _digest(parts: Iterable[Hashable]) -> str:
    return hashlib.blake2b(repr(tuple(parts)).encode(), digest_size=16).hexdigest()
