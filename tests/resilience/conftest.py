"""Resilience tests break real services on purpose and run real concurrent transactions,
so unlike the rest of the suite they commit for real: into a database of their own (on
PostgreSQL reached through a proxy they can cut), with a Redis of their own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine

from brokerage.extensions import db
from config import TestConfig
from tests.helpers.app import ON_POSTGRES, build_test_app, committing_session, fresh_database
from tests.resilience.services import TcpProxy, ThrowawayRedis


@pytest.fixture(scope="package")
def database_proxy() -> Iterator[TcpProxy | None]:
    """On PostgreSQL, the app's way to the shared server: the test can cut it, not the server."""
    if not ON_POSTGRES:
        yield None
        return
    url = make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.restore()
    yield proxy
    proxy.cut()


@pytest.fixture(scope="package")
def app(
    database_proxy: TcpProxy | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """An app with the real settings (its pool pings every connection it hands out) on a
    database of its own."""
    tmp = tmp_path_factory.mktemp("resilience")
    with fresh_database(tmp, "resilience") as url:
        if database_proxy is not None:
            url = make_url(url).set(port=database_proxy.port).render_as_string(False)
        built = build_test_app(url, str(tmp / "outbox"))
        yield built
        if database_proxy is not None:
            database_proxy.restore()
        with built.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _rolled_back_database(app: Flask) -> Iterator[None]:
    """Replaces the suite's rolled-back transaction: here every request commits for real,
    so tests use names of their own. Records made by `create` keep their values."""
    with committing_session():
        yield
    for message in Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"):
        message.unlink()


@dataclass
class DatabaseAdmin:
    """A direct connection to the server (not through the proxy), to inspect and to end the
    app's connections: only ever those to this package's own database."""

    engine: Engine
    database: str

    def end(self, pid: int) -> None:
        with self.engine.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    def end_app_connections(self) -> int:
        """pg_terminate_backend on every connection to the app's database; how many."""
        with self.engine.connect() as connection:
            return connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                    "WHERE datname = :database AND pid <> pg_backend_pid()"
                ),
                {"database": self.database},
            ).scalar_one()


@pytest.fixture
def database_admin(app: Flask) -> Iterator[DatabaseAdmin]:
    with app.app_context():
        database = db.engine.url.database
    engine = create_engine(TestConfig.SQLALCHEMY_DATABASE_URI, isolation_level="AUTOCOMMIT")
    yield DatabaseAdmin(engine, database)
    engine.dispose()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[ThrowawayRedis]:
    """A Redis of the test's own that it may stop and start (never the shared one)."""
    if not ThrowawayRedis.available():
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(tmp_path)
    server.start()
    yield server
    server.stop()
