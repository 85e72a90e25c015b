"""Shared fixtures: one app per session with its schema built by the migrations, and a
transaction per test that is rolled back, so every test starts from a clean database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from hypothesis import settings
from sqlalchemy import insert, update

from brokerage.changes import ChangedRow, TopicVersion, new_version
from brokerage.extensions import db
from brokerage.partnership import current_partnership
from brokerage.toms import service as toms_service
from tests import factories
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.redis_server import TEST_REDIS_URL, redis_configured
from tests.helpers.web import log_in

# Properties are checked, never timed: hypothesis's 200 ms deadline per example fails a
# correct property when the machine is busy (speed is measured in bench/, not asserted here).
settings.register_profile("brokerage", deadline=None)
settings.load_profile("brokerage")

# Fixtures that tests in more than one folder use; each folder's conftest.py holds its own.
pytest_plugins = [
    "tests.helpers.api",
    "tests.helpers.charter",
    "tests.helpers.directory",
    "tests.helpers.matches",
    "tests.helpers.plan",
    "tests.helpers.review",
    "tests.helpers.workflow",
]


class _ConnectionBoundSession(Session):
    """Flask-SQLAlchemy's session ignores an explicit bind; the tests need it honoured."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Any:
        return self.bind


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
        # every topic, as any other process's commit would be (and every cache keyed by it,
        # and the published world kept for recomputes: a bulk write logged).
        _new_versions_for_every_topic(connection.engine)
        _empty_outbox(app)


def _new_versions_for_every_topic(engine: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(TopicVersion).values(version=new_version()))
        connection.execute(
            insert(ChangedRow).values(version=new_version(), topic="listings", links={})
        )


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
def shipped_catalogue(app: Flask) -> None:
    """The two frameworks that ship with the app, committed in the test's transaction."""
    with app.app_context():
        toms_service.load_shipped_frameworks()
        db.session.commit()


@pytest.fixture
def flask_cli(app: Flask) -> Callable[..., Result]:
    """`flask_cli("users", "create", ..., input=...)`: run a command as `flask` would."""
    runner = app.test_cli_runner()

    def _run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(args=list(args), input=input)

    return _run


@pytest.fixture
def in_app(app: Flask) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Run a callable inside a fresh app context, e.g. to query what a request saved."""

    def _run(function: Callable[[], Any]) -> Any:
        with app.app_context():
            return function()

    yield _run


@pytest.fixture
def client_for(app: Flask, create: Callable[..., Any]) -> Callable[..., FlaskClient]:
    """`client_for(kind="supplier")`: a client logged in through the real form as a new
    member of a new organisation of that kind (or with a platform role), based at the app's
    partnership's example postcode, so a second partnership's pages show its own."""
    with app.app_context():
        postcode = current_partnership().examples["postcode"]

    def _client(
        kind: str | None = None, *, staff: bool = False, task_force: bool = False
    ) -> FlaskClient:
        user = create(factories.UserFactory, is_staff=staff, is_task_force=task_force)
        if kind:
            organisation = create(factories.OrganisationFactory, kind=kind, postcode=postcode)
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


@pytest.fixture
def with_redis(app: Flask) -> Iterator[None]:
    """A real Redis (this worker's own database) for the test, with retries that need no
    scheduler delay."""
    with redis_configured(app, TEST_REDIS_URL, JOB_RETRY_INTERVALS=[0, 0]):
        yield
