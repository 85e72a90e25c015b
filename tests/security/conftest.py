"""A small world for security tests: one person of each kind, their API tokens, and the
objects the routes are asked about; plus database snapshots, to prove that a refused
request changed nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Table, inspect, select, text
from werkzeug.security import generate_password_hash

from brokerage.accounts import passwords, service, tokens
from brokerage.accounts.models import ApiToken, Invitation, User
from brokerage.extensions import db, limiter, talisman
from brokerage.plan.models import (
    Action,
    ActionLead,
    Kpi,
    Objective,
    Plan,
    PlanLead,
    WorkingGroup,
)
from tests.conftest import CSRF_INPUT, build_test_app
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.security.features import FEATURE_BUILDERS, FEATURE_NEEDS

# The people of the world. "supplier" owns the organisation every object-level route is
# asked about; "other_supplier" owns another organisation of the same kind; "member" is a
# plain member of the supplier's organisation, and leads one action of the delivery plan.
PEOPLE = ("supplier", "buyer", "beneficiary", "other_supplier", "member", "task_force", "staff")
SESSION_ROLES = ("anon", *PEOPLE)
# The same people holding a personal API token instead of a session, and a revoked token.
TOKEN_ROLES = (*(f"{person}_token" for person in PEOPLE), "revoked_token")
ROLES = SESSION_ROLES + TOKEN_ROLES

# Columns a request may legitimately touch without changing anything that matters.
VOLATILE_COLUMNS = {("users", "last_login_at"), ("api_tokens", "last_used_at")}
# scrypt is slow on purpose; these tests make hundreds of logins, so they use a cheap hash.
CHEAP_METHOD = "pbkdf2:sha256:1"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hashing itself is tested in tests/accounts; here it only needs to be quick."""
    monkeypatch.setattr(
        service, "hash_password", lambda p: generate_password_hash(p, method=CHEAP_METHOD)
    )
    monkeypatch.setattr(
        passwords, "_DUMMY_HASH", generate_password_hash("dummy", method=CHEAP_METHOD)
    )


@dataclass
class World:
    users: dict[str, int]  # person -> user id
    emails: dict[str, str]
    organisation_id: int  # the supplier's organisation
    other_organisation_id: int
    organisation_ids: dict[str, int]  # owner -> their organisation
    token_ids: dict[str, int]  # person -> id of their API token
    secrets: dict[str, str]  # token role -> bearer secret
    action_id: int  # led by nobody
    lead_id: int  # the plan lead linked to the member's account
    kpi_id: int
    led_action_id: int  # the action the member leads
    invitation_token: str  # invites the buyer to the supplier's organisation
    reset_token: str  # resets the member's password
    cookies: dict[str, str] = field(default_factory=dict)  # session role -> session cookie
    csrf: dict[str, str] = field(default_factory=dict)  # role -> form token
    app: Flask | None = None
    _features: dict[str, dict[str, int]] = field(default_factory=dict)

    def feature(self, name: str) -> dict[str, int]:
        """Ids of one feature's objects (charter, toms, places), made on first use and
        committed in the test's transaction: call it before any savepoint."""
        for needed in FEATURE_NEEDS.get(name, ()):
            self.feature(needed)
        if name not in self._features:
            with self.app.app_context():
                self._features[name] = FEATURE_BUILDERS[name](self)
                db.session.commit()
        return self._features[name]


def _build_world() -> World:
    cheap_hash = generate_password_hash(PASSWORD, method=CHEAP_METHOD)
    users = {
        person: UserFactory(
            email=f"{person.replace('_', '.')}@example.org",
            session_token=f"security-world-{person}",
            name=person.replace("_", " ").title(),
            password_hash=cheap_hash,
            is_staff=person == "staff",
            is_task_force=person == "task_force",
        )
        for person in PEOPLE
    }
    organisations = {
        kind: OrganisationFactory(name=f"The {kind.replace('_', ' ')}", kind=kind.split("_")[-1])
        for kind in ("supplier", "buyer", "beneficiary", "other_supplier")
    }
    for person, kind, role in (
        ("supplier", "supplier", "owner"),
        ("member", "supplier", "member"),
        ("buyer", "buyer", "owner"),
        ("beneficiary", "beneficiary", "owner"),
        ("other_supplier", "other_supplier", "owner"),
    ):
        MembershipFactory(user=users[person], organisation=organisations[kind], role=role)
    secrets = {f"{p}_token": service.create_api_token(users[p], "matrix") for p in PEOPLE}
    token_ids = {p: _token(secrets[f"{p}_token"]).id for p in PEOPLE}
    secrets["revoked_token"] = service.create_api_token(users["supplier"], "old")
    service.revoke_api_token(_token(secrets["revoked_token"]))
    invitation = Invitation(
        organisation=organisations["supplier"],
        email=users["buyer"].email,
        role="member",
        invited_by=users["supplier"],
    )
    db.session.add(invitation)
    action = _plan_action(lead_user=users["member"])
    db.session.flush()
    lead = db.session.scalars(select(PlanLead)).one()
    member = users["member"]
    return World(
        users={p: u.id for p, u in users.items()},
        emails={p: u.email for p, u in users.items()},
        organisation_id=organisations["supplier"].id,
        other_organisation_id=organisations["other_supplier"].id,
        organisation_ids={owner: o.id for owner, o in organisations.items()},
        token_ids=token_ids,
        secrets=secrets,
        action_id=action.id,
        lead_id=lead.id,
        kpi_id=db.session.scalars(select(Kpi.id)).one(),
        led_action_id=db.session.scalars(select(ActionLead.action_id)).one(),
        invitation_token=tokens.sign(service.INVITATION_PURPOSE, invitation.id),
        reset_token=tokens.sign(
            service.RESET_PURPOSE,
            {"u": member.id, "p": tokens.fingerprint(member.password_hash)},
        ),
    )


def _token(secret: str) -> ApiToken:
    return db.session.scalars(
        select(ApiToken).where(ApiToken.token_digest == ApiToken.digest(secret))
    ).one()


def _plan_action(lead_user: User | None = None) -> Action:
    """The smallest delivery plan: the action the plan routes are asked about, led by
    nobody, and a second one led by `lead_user`'s plan lead (so that person may see the plan
    and update that action, but not the first)."""
    plan = Plan(year="2023/24", title="Delivery plan")
    group = WorkingGroup(plan=plan, position=1, name="Data", slug="data")
    objective = Objective(working_group=group, number=1, title="Share data")
    action = Action(objective=objective, position=1, description="Publish the data", phase="do")
    objective.kpis.append(Kpi(position=1, name="Datasets published", unit="datasets"))
    if lead_user is not None:
        led = Action(objective=objective, position=2, description="Train the partners")
        led.action_leads.append(
            ActionLead(lead=PlanLead(name="Data lead", user=lead_user), position=1)
        )
    db.session.add(plan)
    return action


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
def world(app: Flask) -> World:
    """The world, committed inside the test's transaction, each person logged in through
    the real form; `client_as(role)` hands out fresh clients in those sessions."""
    with app.app_context():
        built = _build_world()
        db.session.commit()
    built.app = app
    for role in SESSION_ROLES:
        email = built.emails.get(role, "")
        built.cookies[role], built.csrf[role] = _logged_in_session(app, role, email)
    for role in TOKEN_ROLES:
        built.cookies[role], built.csrf[role] = built.cookies["anon"], built.csrf["anon"]
    return built


@pytest.fixture
def client_as(app: Flask, world: World) -> Callable[[str], FlaskClient]:
    """`client_as("member")`: a new client in that role's session (or holding that token),
    so what one request does to its cookies cannot leak into the next."""

    def _client(role: str) -> FlaskClient:
        client = app.test_client()
        client.set_cookie("session", world.cookies[role])
        if role in TOKEN_ROLES:
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world.secrets[role]}"
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
