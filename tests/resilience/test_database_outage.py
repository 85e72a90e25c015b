"""The database going away: a clear 503 (a page for people, JSON with a reason for programs,
`Retry-After` for both) and a logged error, never a stack trace; nothing half-saved; and the
app recovering by itself when the database comes back, without a restart.

The shared PostgreSQL is never stopped: the app reaches it through a proxy that the tests
cut, and `pg_terminate_backend` ends only connections to this package's own database."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select

from brokerage import extensions
from brokerage.accounts.models import Organisation
from brokerage.extensions import db
from tests.helpers.app import postgres_only
from tests.helpers.web import post_form

pytestmark = postgres_only


@pytest.fixture(autouse=True)
def _database_back_after_each_test(database_proxy) -> Iterator[None]:
    yield
    database_proxy.restore()


def _assert_outage_page(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "The site is briefly unavailable" in page
    assert "nothing from it was saved" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_while_the_database_is_down_pages_answer_503_and_the_error_is_logged(
    supplier, database_proxy, caplog
):
    database_proxy.cut()
    with caplog.at_level(logging.ERROR, logger="brokerage.errors"):
        response = supplier.get("/account")
    _assert_outage_page(response)
    assert "Log in" in response.get_data(as_text=True)  # the header needs no database
    assert "the database is unavailable on GET /account" in caplog.text


def test_while_the_database_is_down_the_api_answers_json_503_with_a_reason(
    supplier, database_proxy
):
    database_proxy.cut()
    response = supplier.get("/api/v1/organisations")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    body = response.get_json()
    assert body["error"] == "unavailable"
    assert "could not reach its database" in body["reason"]


def test_readyz_reports_the_database_unreachable_while_healthz_stays_up(anon, database_proxy):
    database_proxy.cut()
    assert anon.get("/healthz").status_code == 200
    ready = anon.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] == "unreachable"
    database_proxy.restore()
    assert anon.get("/readyz").get_json()["checks"]["database"] == "ok"


def test_the_app_recovers_by_itself_when_the_database_comes_back(supplier, database_proxy):
    assert supplier.get("/account").status_code == 200
    database_proxy.cut()
    _assert_outage_page(supplier.get("/account"))
    database_proxy.restore()
    page = supplier.get("/account")
    assert page.status_code == 200
    assert supplier.user_email in page.get_data(as_text=True)  # still signed in


def test_connections_ended_while_idle_are_replaced_before_the_next_request(
    supplier, database_admin
):
    assert supplier.get("/account").status_code == 200
    assert database_admin.end_app_connections() >= 1
    assert supplier.get("/account").status_code == 200


def test_a_connection_used_moments_ago_is_handed_out_without_a_ping(app, supplier, monkeypatch):
    monkeypatch.setitem(app.config, "DATABASE_PING_AFTER_IDLE_SECONDS", 60)
    assert supplier.get("/account").status_code == 200  # every pooled connection used now
    with app.app_context():
        dialect = db.engine.dialect
    pings: list[object] = []
    monkeypatch.setattr(dialect, "do_ping", pings.append)
    assert supplier.get("/account").status_code == 200
    assert pings == []


def test_a_connection_lost_mid_request_saves_nothing_and_trying_again_works(
    app, supplier, database_admin
):
    """The organisation row is written, then the server ends the connection before its
    owner's membership is: neither may be kept."""

    def end_this_connection(_conn, cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO memberships"):
            database_admin.end(cursor.connection.info.backend_pid)

    form = {"name": "Half Saved Co-op", "kind": "supplier", "postcode": "OX4 4HH"}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", end_this_connection)
    try:
        response = post_form(supplier, "/organisations/new", form, page="/organisations/new")
    finally:
        event.remove(engine, "before_cursor_execute", end_this_connection)
    _assert_outage_page(response)
    with app.app_context():
        saved = db.session.scalars(
            select(Organisation.name).where(Organisation.name == form["name"])
        )
        assert list(saved) == []

    again = post_form(supplier, "/organisations/new", form, page="/organisations/new")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Organisation).where(Organisation.name == form["name"]))


def test_a_database_host_that_never_answers_gives_a_503_within_seconds(
    supplier, database_proxy, monkeypatch
):
    monkeypatch.setattr(extensions, "DATABASE_CONNECT_TIMEOUT", 1)  # 5 in production
    database_proxy.stall()
    started = time.monotonic()
    response = supplier.get("/account")
    assert response.status_code == 503
    assert time.monotonic() - started < 5
