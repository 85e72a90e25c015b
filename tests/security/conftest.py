"""A small world for security tests: one person of each kind, their API tokens, and the
objects the routes are asked about; plus database snapshots, to prove that a refused
request changed nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, inspect, text
from werkzeug.security import generate_password_hash

from brokerage.accounts import passwords, service
from brokerage.extensions import db, limiter, talisman
from tests.factories import PASSWORD
from tests.helpers.app import build_test_app
from tests.helpers.security import (
    CHEAP_METHOD,
    SESSION_ROLES,
    TOKEN_ROLES,
    VOLATILE_COLUMNS,
    SecurityWorld,
    build_security_world,
)
from tests.helpers.web import CSRF_INPUT


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing itself is tested in tests/accounts; here it only needs to be quick."""
    monkeypatch.setattr(
        service, "hash_password", lambda p: generate_password_hash(p, method=CHEAP_METHOD)
    )
    monkeypatch.setattr(
        passwords, "_DUMMY_HASH", generate_password_hash("dummy", method=CHEAP_METHOD)
    )


def _form_token(client: FlaskClient) -> str:
    match = CSRF_INPUT.search(client.get("/login").get_data(as_text=True))
    assert match, "no CSRF token on /login"
    return match.group(1) or match.group(2)


# Each role's session cookie and form token, from logging in through the real form once per
# run: the world gives each person the same session token every time, so they stay valid.
_SESSIONS: dict[str, tuple[str, str]] = {}


def _logged_in_session(app: Flask, role: str, email: str) -> tuple[str, str]:
    if role not in _SESSIONS:
        client = app.test_client()
        token = _form_token(client)
        if role != "anon":
            response = client.post(
                "/login", data={"csrf_token": token, "email": email, "password": PASSWORD}
            )
            assert response.status_code == 302, f"{role} could not log in"
            client.get("/")  # shows, and so clears, the "You are logged in" message
        _SESSIONS[role] = (client.get_cookie("session").value, token)
    return _SESSIONS[role]


@pytest.fixture
def security_world(app: Flask) -> SecurityWorld:
    """The world, committed inside the test's transaction, each person logged in through
    the real form; `security_client(role)` hands out fresh clients in those sessions."""
    with app.app_context():
        built = build_security_world()
        db.session.commit()
    built.app = app
    for role in SESSION_ROLES:
        email = built.emails.get(role, "")
        built.cookies[role], built.csrf[role] = _logged_in_session(app, role, email)
    for role in TOKEN_ROLES:
        built.cookies[role], built.csrf[role] = built.cookies["anon"], built.csrf["anon"]
    return built


@pytest.fixture
def security_client(app: Flask, security_world: SecurityWorld) -> Callable[[str], FlaskClient]:
    """`security_client("member")`: a new client in that role's session (or holding that token),
    so what one request does to its cookies cannot leak into the next."""

    def _client(role: str) -> FlaskClient:
        client = app.test_client()
        client.set_cookie("session", security_world.cookies[role])
        if role in TOKEN_ROLES:
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {security_world.secrets[role]}"
        return client

    return _client


_MIGRATED_TABLES: list[Table] = []


def _migrated_tables() -> list[Table]:
    """The models' tables that the migrations made (a model without its migration yet is
    the migrations test's business, not this one's), found once per run."""
    if not _MIGRATED_TABLES:
        made = set(inspect(db.session.connection()).get_table_names())
        _MIGRATED_TABLES.extend(t for t in db.metadata.sorted_tables if t.name in made)
    return _MIGRATED_TABLES


def snapshot() -> dict[str, list[str]]:
    """Every row of every table (volatile columns left out) as JSON text, in a comparable
    order; one query for all the tables, since it runs around each of thousands of requests."""
    tables = _migrated_tables()
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    parts = []
    for table in tables:
        volatile = [c for t, c in VOLATILE_COLUMNS if t == table.name]
        if postgresql:
            row = "(to_jsonb(r)" + "".join(f" - '{column}'" for column in volatile) + ")::text"
        else:
            kept = [f'r."{c.name}"' for c in table.columns if c.name not in volatile]
            row = f"json_array({', '.join(kept)})"
        # Table and column names from our own metadata, never from input.
        columns = f"SELECT '{table.name}' AS t, {row} AS r"  # noqa: S608
        parts.append(f'{columns} FROM "{table.name}" r')
    rows: dict[str, list[str]] = {table.name: [] for table in tables}
    for name, row in db.session.execute(text(" UNION ALL ".join(parts))):
        rows[name].append(row)
    return {name: sorted(found) for name, found in rows.items()}


def changed_tables(before: dict[str, list], after: dict[str, list]) -> list[str]:
    return [name for name in before if before[name] != after.get(name)]


@pytest.fixture
def isolated(app: Flask) -> Callable[..., Any]:
    """`with isolated() as database:` runs requests in a savepoint rolled back afterwards;
    `database.changes()` names the tables that differ from how they were on entry. Hypothesis
    examples and matrix cells each get one. Savepoints that start from the same state may
    share one snapshot of it: `isolated(before=database.before)`, so each takes one, not two."""

    @contextmanager
    def _isolated(before: dict[str, list] | None = None) -> Iterator[_Savepoint]:
        with app.app_context():
            connection = db.session.get_bind()
            db.session.remove()
        savepoint = connection.begin_nested()
        try:
            yield _Savepoint(app, before)
        finally:
            savepoint.rollback()

    return _isolated


class _Savepoint:
    def __init__(self, app: Flask, before: dict[str, list] | None) -> None:
        self.app = app
        self.before = before if before is not None else self._snapshot()

    def _snapshot(self) -> dict[str, list]:
        with self.app.app_context():
            return snapshot()

    def changes(self) -> list[str]:
        return changed_tables(self.before, self._snapshot())


@pytest.fixture
def limited_app_with(database_url, tmp_path, monkeypatch) -> Callable[..., Flask]:
    """Builds an app with rate limits on (and any other settings given). Limiter and
    Talisman keep some settings on the shared extension objects, so building it would change
    them for the suite's app: put back."""
    for name in ("enabled", "initialized"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name))
    monkeypatch.setattr(talisman, "app", getattr(talisman, "app", None))

    def build(**settings: Any) -> Flask:
        outbox = str(tmp_path / "outbox")
        return build_test_app(database_url, outbox, RATELIMIT_ENABLED=True, **settings)

    return build


@pytest.fixture
def limited_app(limited_app_with) -> Flask:
    return limited_app_with()
