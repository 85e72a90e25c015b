"""Cached parts of pages: keyed by the versions of the topics they read, so kept while
nothing they read changes, worked out again after a commit that changes it (in this
process or another), never served to or kept by a transaction that wrote it, and worked
out every time, without an error, when Redis is unreachable."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import event, update

from brokerage import caching
from brokerage.accounts.models import Membership, Organisation, User
from brokerage.extensions import cache, db
from tests.factories import OrganisationFactory
from tests.helpers.app import counted_statements
from tests.helpers.redis_server import TEST_REDIS_URL, UNREACHABLE_REDIS_URL, counted_cache_reads

ORGANISATIONS = ("organisations",)
NO_TOPICS = ()  # for a second app with a cache and no database


class Counter:
    """A value to cache that counts how often it was worked out."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return f"worked out {self.calls} times"


def test_a_value_is_worked_out_once_while_nothing_changes(app):
    work_out = Counter()
    with app.app_context():
        values = [caching.cached("test", ("a", 1), ORGANISATIONS, work_out) for _ in range(3)]

    assert values == ["worked out 1 times"] * 3
    assert work_out.calls == 1


def test_different_parts_are_kept_apart(app):
    with app.app_context():
        first = caching.cached("test", ("a",), ORGANISATIONS, lambda: "first")
        second = caching.cached("test", ("b",), ORGANISATIONS, lambda: "second")
        again = caching.cached("test", ("a",), ORGANISATIONS, lambda: "not asked")

    assert (first, second, again) == ("first", "second", "first")


def test_a_commit_that_writes_a_topic_makes_its_values_be_worked_out_again(app):
    work_out = Counter()
    with app.app_context():
        organisation = OrganisationFactory(name="Oak and Ash")
        db.session.commit()
        caching.cached("test", (), ORGANISATIONS, work_out)
        # A statement the session does not flush, as bulk writes are: its table is noted.
        db.session.execute(
            update(Organisation).where(Organisation.id == organisation.id).values(name="Elm")
        )
        db.session.commit()
        value = caching.cached("test", (), ORGANISATIONS, work_out)

    assert value == "worked out 2 times"


def test_a_commit_keeps_the_values_of_topics_it_did_not_write(app):
    work_out = Counter()
    with app.app_context():
        caching.cached("test", (), ("toms",), work_out)
        OrganisationFactory(name="Oak and Ash")
        db.session.commit()
        value = caching.cached("test", (), ("toms",), work_out)

    assert value == "worked out 1 times"


def test_a_transaction_that_wrote_a_topic_neither_reads_nor_keeps_its_values(app):
    """It may hold what others cannot see yet (and may roll it back)."""
    work_out = Counter()
    with app.app_context():
        caching.cached("test", (), ORGANISATIONS, work_out)
        OrganisationFactory(name="Oak and Ash")
        db.session.flush()
        during = caching.cached("test", (), ORGANISATIONS, work_out)
        db.session.rollback()
        after = caching.cached("test", (), ORGANISATIONS, work_out)

    assert (during, after) == ("worked out 2 times", "worked out 1 times")


def test_a_read_only_request_keeps_what_is_cached(app, staff):
    work_out = Counter()
    with app.app_context():
        caching.cached("test", (), ORGANISATIONS, work_out)
    assert staff.get("/directory/suppliers?q=training").status_code == 200
    with app.app_context():
        caching.cached("test", (), ORGANISATIONS, work_out)

    assert work_out.calls == 1


@contextmanager
def process_with_redis(
    url: str | None, env_name: str = "production", retry_pause: int = 0, **settings: str
) -> Iterator[Flask]:
    """A second app, as another web process would have, caching in Redis at `url` (without
    a database: it caches values that read no topic); `settings` adds to its config."""
    other = Flask("other_process")
    other.config.update(
        REDIS_URL=url,
        CACHE_SECONDS=60,
        ENV_NAME=env_name,
        REDIS_RETRY_PAUSE=retry_pause,
        **settings,
    )
    caching.init_app(other)
    with other.app_context():
        yield other


@pytest.fixture
def empty_redis() -> Iterator[None]:
    Redis.from_url(TEST_REDIS_URL).flushdb()
    yield
    Redis.from_url(TEST_REDIS_URL).flushdb()


def test_with_redis_unreachable_values_are_worked_out_every_time(caplog):
    work_out = Counter()
    with process_with_redis(UNREACHABLE_REDIS_URL):
        values = [caching.cached("test", (), NO_TOPICS, work_out) for _ in range(2)]

    assert values == ["worked out 1 times", "worked out 2 times"]
    assert "Redis is unreachable" in caplog.text


def test_each_person_is_shown_their_own_cached_header(client_for, staff):
    supplier = client_for("supplier")
    for _ in range(2):  # the second time from the cache
        staff_page = staff.get("/directory/suppliers").get_data(as_text=True)
        supplier_page = supplier.get("/directory/suppliers").get_data(as_text=True)

        assert "Staff admin" in staff_page and "For you" not in staff_page
        assert "For you" in supplier_page and "Staff admin" not in supplier_page
        # The logout form's token is the session's own, never a cached one.
        assert csrf_token_in(staff_page) != csrf_token_in(supplier_page)


def test_a_signed_in_persons_memberships_come_from_the_cache_with_them(app, client_for, create):
    """Deciding what a member may do (here: ask a supplier) reads their memberships from
    the cache, in the person's round trip, not from the database on every page."""
    buyer = client_for("buyer")
    supplier = create(OrganisationFactory, name="Asked Joinery")
    url = f"/organisations/{supplier.id}/profile"
    assert "Invite to bid" in buyer.get(url).get_data(as_text=True)

    with app.app_context(), counted_statements() as statements:
        page = buyer.get(url).get_data(as_text=True)

    assert "Invite to bid" in page
    assert not [s for s in statements if "FROM memberships" in s], statements


def test_a_member_on_a_page_that_loaded_their_organisation_first_is_its_member(client_for):
    """A public profile loads the organisation before it asks who is signed in; the cached
    membership then points at the organisation the page loaded, not a second copy of it."""
    owner = client_for("supplier")
    url = f"/organisations/{owner.organisation_id}/profile"
    for _ in range(2):  # the second time with the person and memberships from the cache
        page = owner.get(url)

        assert page.status_code == 200
        assert "Edit profile" in page.get_data(as_text=True)


def test_a_signed_in_person_from_the_cache_is_made_as_a_loaded_row_is(client_for):
    """The person, their membership and its organisation, without the constructor's
    attribute events (a loaded row never fires them)."""
    member = client_for("supplier")
    member.get("/account")  # the person and memberships now cached
    made = []

    def note(target: object, _args: object, _kwargs: object) -> None:
        made.append(type(target).__name__)

    for model in (User, Membership, Organisation):
        event.listen(model, "init", note)
    try:
        page = member.get("/account")
    finally:
        for model in (User, Membership, Organisation):
            event.remove(model, "init", note)

    assert page.status_code == 200
    assert made == []


def csrf_token_in(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_production_without_redis_keeps_nothing_as_its_processes_could_not_share_changes():
    work_out = Counter()
    with process_with_redis(None):
        values = [caching.cached("test", (), NO_TOPICS, work_out) for _ in range(2)]

    assert values == ["worked out 1 times", "worked out 2 times"]


def test_the_embedded_default_keeps_values_in_its_one_process():
    work_out = Counter()
    with process_with_redis(None, env_name="development"):
        values = [caching.cached("test", (), NO_TOPICS, work_out) for _ in range(2)]

    assert values == ["worked out 1 times", "worked out 1 times"]


def test_redis_is_left_alone_for_a_while_after_it_failed(empty_redis, monkeypatch):
    """So a Redis that hangs rather than refuses slows one request, not every one."""
    asked = []

    def hanging(*_, **__):
        asked.append(1)
        raise RedisConnectionError("Timeout connecting to server")

    work_out = Counter()
    with process_with_redis(TEST_REDIS_URL, retry_pause=30):
        monkeypatch.setattr(cache.cache, "get_many", hanging)
        values = [caching.cached("test", (), NO_TOPICS, work_out) for _ in range(3)]

    assert values == ["worked out 1 times", "worked out 2 times", "worked out 3 times"]
    assert len(asked) == 1


def test_an_entry_read_ahead_comes_with_the_next_read_and_is_served_from_it(app, monkeypatch):
    with app.app_context():
        caching.cached("ahead", (), ORGANISATIONS, lambda: "kept")
    reads = counted_cache_reads(monkeypatch)
    with app.app_context():
        caching.read_ahead("ahead", (), ORGANISATIONS)
        first = caching.cached("first", (), ORGANISATIONS, lambda: "first")
        ahead = caching.cached("ahead", (), ORGANISATIONS, lambda: "not asked")

    assert (first, ahead) == ("first", "kept")
    assert len(reads) == 1 and len(reads[0]) == 2  # "first" and "ahead"


def test_what_was_read_ahead_is_not_served_after_a_commit_that_changed_it(app, monkeypatch):
    work_out = Counter()
    with app.app_context():
        caching.cached("ahead", (), ORGANISATIONS, work_out)
        caching.read_ahead("ahead", (), ORGANISATIONS)
        caching.cached("first", (), ORGANISATIONS, lambda: "first")
        OrganisationFactory(name="Oak and Ash")
        db.session.commit()
        caching.cached("ahead", (), ORGANISATIONS, work_out)

    assert work_out.calls == 2


@pytest.mark.parametrize("section", ["suppliers", "needs", "opportunities"])
def test_a_cached_search_comes_with_its_person_and_header_in_one_round_trip(
    staff, monkeypatch, section
):
    url = f"/directory/{section}?q=training&q=mentoring"
    assert staff.get(url).status_code == 200
    reads = counted_cache_reads(monkeypatch)
    assert staff.get(url).status_code == 200

    assert len(reads) == 1, reads
    assert len(reads[0]) == 3, reads  # the person with their memberships, the header, the search


def test_a_search_read_ahead_is_the_one_its_page_shows(staff):
    """The entry read ahead is keyed by every argument: another search is not served it."""
    assert staff.get("/directory/suppliers?q=training").status_code == 200
    other = staff.get("/directory/suppliers?q=catering").get_data(as_text=True)
    assert 'value="catering"' in other


def test_a_small_entry_every_page_reads_is_served_from_this_process_without_asking_redis(
    empty_redis, monkeypatch
):
    with process_with_redis(TEST_REDIS_URL):
        caching.cached("person", (), NO_TOPICS, lambda: {"name": "Ada"}, in_process=True)
        reads = counted_cache_reads(monkeypatch)
        served = caching.cached("person", (), NO_TOPICS, dict, in_process=True)
        served["name"] = "changed by a page"
        again = caching.cached("person", (), NO_TOPICS, dict, in_process=True)

    assert reads == []
    assert served == {"name": "changed by a page"} and again == {"name": "Ada"}


def test_other_entries_are_read_from_redis_each_time(empty_redis, monkeypatch):
    with process_with_redis(TEST_REDIS_URL):
        caching.cached("search", (), NO_TOPICS, lambda: "results")
        reads = counted_cache_reads(monkeypatch)
        served = caching.cached("search", (), NO_TOPICS, lambda: "worked out again")

    assert served == "results" and len(reads) == 1


def test_processes_with_other_key_prefixes_share_a_redis_database_but_not_its_entries(
    empty_redis,
):
    """As two benchmark runs against one database do (bench.pages): neither serves the
    other's entries, and emptying one's cache leaves the other's."""
    with process_with_redis(TEST_REDIS_URL, CACHE_KEY_PREFIX="first:"):
        caching.cached("search", (), NO_TOPICS, lambda: "the first's")
    with process_with_redis(TEST_REDIS_URL, CACHE_KEY_PREFIX="second:"):
        served = caching.cached("search", (), NO_TOPICS, lambda: "the second's")
        cache.clear()

    kept = Redis.from_url(TEST_REDIS_URL).keys()
    assert served == "the second's"
    assert kept and all(key.startswith(b"first:") for key in kept), kept


def test_a_process_keeps_its_copies_within_its_limit_dropping_the_least_recently_used():
    copies = caching.ProcessCopies(limit=200)
    for key in ("a", "b"):
        copies.keep(key, ("x" * 60,))
    copies.get("a")  # "b" is now the least recently used
    copies.keep("c", ("x" * 60,))

    assert copies.get("a") is not None and copies.get("c") is not None
    assert copies.get("b") is None
    assert copies.size <= 200
