"""Shared fixtures: one app per session with its schema built by the migrations, and a
transaction per test that is rolled back, so every test starts from a clean database."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import create_engine, event, make_url, text, update

from brokerage import create_app
from brokerage.changes import TopicVersion, new_version
from brokerage.extensions import cache, db
from config import TestConfig
from tests import factories
from tests.factories import PASSWORD


class _ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session ignores an explicit bind; the tests need it honoured."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


def build_test_app(database_url: str, outbox: str, **settings: Any) -> Flask:
    """An app on `database_url` with its schema built by the migrations."""
    config = type(
        "SessionTestConfig",
        (TestConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "MAIL_OUTBOX_DIR": outbox, **settings},
    )
    app = create_app(config)
    with app.app_context():
        # "heads": parallel branches under development apply too; a test below insists
        # that what lands on main has one head.
        flask_migrate.upgrade(revision="heads")
        db.session.remove()
    return app


@contextmanager
def fresh_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A new, empty database for this test run, dropped afterwards.

    With TEST_DATABASE_URL (PostgreSQL), each run makes its own database beside the one
    named there, so parallel runs and the live server never share tables; otherwise a
    new SQLite file.
    """
    base_url = TestConfig.SQLALCHEMY_DATABASE_URI
    if not base_url:
        yield f"sqlite:///{tmp_path / (name + '.sqlite')}"
        return
    url = make_url(base_url)
    database = f"{url.database}_{name}_{os.getpid()}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    try:
        yield url.set(database=database).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(tmp_path_factory.mktemp("db"), "unit") as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = build_test_app(database_url, str(tmp_path_factory.mktemp("outbox")))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _rolled_back_database(app: Flask) -> Iterator[None]:
    """Each test's writes, commits included, happen inside one transaction rolled back after."""
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original_session = db.session
    db.session = db._make_scoped_session(
        {
            "class_": _ConnectionBoundSession,
            "bind": connection,
            "join_transaction_mode": "create_savepoint",
            "expire_on_commit": False,
        }
    )
    try:
        yield
    finally:
        # Each app context removed its own session on teardown; only the connection is left.
        db.session = original_session
        outer.rollback()
        connection.close()
        # The rollback above is the connection's: no session saw it, so it is a change of
        # every topic, as any other process's commit would be (and every cache keyed by it).
        _new_versions_for_every_topic(connection.engine)
        _empty_outbox(app)


def _new_versions_for_every_topic(engine: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(TopicVersion).values(version=new_version()))


def _empty_outbox(app: Flask) -> None:
    for message in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"):
        message.unlink()


@pytest.fixture
def create(app: Flask) -> Callable[..., Any]:
    """`create(UserFactory, email=...)`: build and commit a record, return it detached."""

    def _create(factory: Any, **fields: Any) -> Any:
        with app.app_context():
            record = factory(**fields)
            db.session.commit()
            return record

    return _create


@pytest.fixture
def in_app(app: Flask) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Run a callable inside a fresh app context, e.g. to query what a request saved."""

    def _run(function: Callable[[], Any]) -> Any:
        with app.app_context():
            return function()

    yield _run


CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


@contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block (an N+1 shows as a list that grows)."""
    statements: list[str] = []

    def count(_connection: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def counted_cache_reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Each round trip to the cache from now on, as the keys it read."""
    reads: list[tuple[str, ...]] = []
    read = cache.get_many

    def counted(*keys: str) -> list:
        reads.append(keys)
        return read(*keys)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads


def csrf_token(client: FlaskClient, page: str = "/login") -> str:
    html = client.get(page).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def post_form(
    client: FlaskClient, url: str, data: dict[str, Any], page: str = "/login", **kwargs: Any
):
    """Submit a form as a browser would: with the CSRF token the site gave this session."""
    return client.post(url, data={"csrf_token": csrf_token(client, page), **data}, **kwargs)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> FlaskClient:
    response = post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def client_for(app: Flask, create: Callable[..., Any]) -> Callable[..., FlaskClient]:
    """`client_for(kind="supplier")`: a client logged in through the real form as a new
    member of a new organisation of that kind (or with a platform role)."""

    def _client(
        kind: str | None = None, *, staff: bool = False, task_force: bool = False
    ) -> FlaskClient:
        user = create(factories.UserFactory, is_staff=staff, is_task_force=task_force)
        if kind:
            organisation = create(factories.OrganisationFactory, kind=kind)
            create(
                factories.MembershipFactory,
                user_id=user.id,
                organisation_id=organisation.id,
                role="owner",
            )
            client = log_in(app.test_client(), user.email)
            client.organisation_id = organisation.id  # type: ignore[attr-defined]
        else:
            client = log_in(app.test_client(), user.email)
        client.user_email = user.email  # type: ignore[attr-defined]
        return client

    return _client


@pytest.fixture
def anon(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def buyer(client_for: Callable[..., FlaskClient]) -> FlaskClient:
    return client_for("buyer")


@pytest.fixture
def supplier(client_for: Callable[..., FlaskClient]) -> FlaskClient:
    return client_for("supplier")


@pytest.fixture
def beneficiary(client_for: Callable[..., FlaskClient]) -> FlaskClient:
    return client_for("beneficiary")


@pytest.fixture
def task_force(client_for: Callable[..., FlaskClient]) -> FlaskClient:
    return client_for(task_force=True)


@pytest.fixture
def staff(client_for: Callable[..., FlaskClient]) -> FlaskClient:
    return client_for(staff=True)


TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
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


@pytest.fixture
def with_redis(app: Flask) -> Iterator[None]:
    """A real Redis (database 15) for the test, with retries that need no scheduler delay."""
    with redis_configured(app, TEST_REDIS_URL, JOB_RETRY_INTERVALS=[0, 0]):
        yield
