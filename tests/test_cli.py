"""The command line: `flask users ...` and `flask seed-demo`."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from brokerage.accounts.models import ApiToken, Membership, Organisation, User
from brokerage.accounts.passwords import verify_password
from brokerage.demo.data import demo_data
from brokerage.extensions import db
from brokerage.types import utcnow
from tests import factories

DEMO = demo_data()
DEMO_PASSWORD, ORGANISATIONS, USERS = DEMO.password, DEMO.organisations, DEMO.users

NEW_PASSWORD = "a long and unusual passphrase"


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_users_create_reads_the_password_from_stdin_and_stores_only_its_hash(flask_cli, in_app):
    result = flask_cli(
        "users", "create", "Ada@Example.org", "--password-stdin", input=f"{NEW_PASSWORD}\n"
    )

    assert result.exit_code == 0, result.output
    assert "Created ada@example.org." in result.output
    user = in_app(lambda: _user("ada@example.org"))
    assert user.name == "Ada"
    assert NEW_PASSWORD not in user.password_hash
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert not user.is_staff
    assert not user.is_task_force


@pytest.mark.parametrize(
    ("flags", "staff", "task_force", "said"),
    [
        (["--staff"], True, False, "(staff)"),
        (["--task-force"], False, True, "(task force)"),
        (["--staff", "--task-force"], True, True, "(staff, task force)"),
    ],
)
def test_users_create_sets_the_platform_roles_asked_for(
    flask_cli, in_app, flags, staff, task_force, said
):
    result = flask_cli(
        "users", "create", "lead@example.org", *flags, "--password-stdin", input=NEW_PASSWORD
    )

    assert result.exit_code == 0, result.output
    assert said in result.output
    user = in_app(lambda: _user("lead@example.org"))
    assert (user.is_staff, user.is_task_force) == (staff, task_force)


def test_users_create_takes_a_display_name(flask_cli, in_app):
    flask_cli(
        "users",
        "create",
        "ada@example.org",
        "--name",
        "Ada Lovelace",
        "--password-stdin",
        input=NEW_PASSWORD,
    )
    assert in_app(lambda: _user("ada@example.org")).name == "Ada Lovelace"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short1", "Use at least 10 characters."),
        ("password123", "This password is too common"),
        ("ada@example.org", "Do not use your email address as your password."),
    ],
)
def test_users_create_refuses_a_weak_password_and_saves_nothing(
    flask_cli, in_app, password, message
):
    result = flask_cli(
        "users", "create", "ada@example.org", "--password-stdin", input=f"{password}\n"
    )

    assert result.exit_code != 0
    assert message in result.output
    assert in_app(lambda: _count(User)) == 0


def test_users_create_refuses_an_email_that_already_has_an_account(flask_cli, create, in_app):
    create(factories.UserFactory, email="ada@example.org")

    result = flask_cli("users", "create", "ADA@example.org", "--password-stdin", input=NEW_PASSWORD)

    assert result.exit_code != 0
    assert "An account with this email already exists" in result.output
    assert in_app(lambda: _count(User)) == 1


def test_users_token_prints_a_token_that_authenticates_the_api(flask_cli, create, in_app, anon):
    create(factories.UserFactory, email="ada@example.org")

    result = flask_cli("users", "token", "ada@example.org", "--name", "reporting script")

    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    response = anon.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "ada@example.org"

    [token] = in_app(lambda: db.session.scalars(select(ApiToken)).all())
    assert token.name == "reporting script"
    assert token.token_digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.token_digest, token.prefix, token.name)


@pytest.mark.parametrize("command", [["users", "token"], ["users", "roles"]])
def test_users_commands_refuse_an_unknown_email(flask_cli, in_app, command):
    result = flask_cli(*command, "nobody@example.org")

    assert result.exit_code != 0
    assert "No user with the email nobody@example.org." in result.output
    assert in_app(lambda: _count(ApiToken)) == 0


def test_users_roles_grants_and_removes_platform_roles(flask_cli, create, in_app):
    create(factories.UserFactory, email="ada@example.org", is_task_force=True)

    result = flask_cli("users", "roles", "ada@example.org", "--staff", "--no-task-force")

    assert result.exit_code == 0, result.output
    assert "ada@example.org: staff=True, task force=False." in result.output
    user = in_app(lambda: _user("ada@example.org"))
    assert (user.is_staff, user.is_task_force) == (True, False)


def test_users_roles_leaves_roles_that_are_not_mentioned(flask_cli, create, in_app):
    create(factories.UserFactory, email="ada@example.org", is_staff=True)

    flask_cli("users", "roles", "ada@example.org", "--task-force")

    user = in_app(lambda: _user("ada@example.org"))
    assert (user.is_staff, user.is_task_force) == (True, True)


def _emails() -> set[str]:
    return set(db.session.scalars(select(User.email)))


def test_users_purge_unconfirmed_deletes_only_accounts_never_confirmed_for_a_week(
    flask_cli, create, in_app
):
    long_ago = utcnow() - timedelta(days=8)
    create(
        factories.UserFactory,
        email="squatter@example.org",
        email_confirmed_at=None,
        created_at=long_ago,
    )
    create(
        factories.UserFactory,
        email="waiting@example.org",
        email_confirmed_at=None,
        created_at=utcnow() - timedelta(days=6),
    )
    create(factories.UserFactory, email="member@example.org", created_at=long_ago)

    first = flask_cli("users", "purge-unconfirmed")
    second = flask_cli("users", "purge-unconfirmed")

    assert first.exit_code == 0
    assert "Deleted 1 unconfirmed account(s) older than 7 days." in first.output
    assert "Deleted 0 unconfirmed account(s)" in second.output
    assert in_app(_emails) == {"waiting@example.org", "member@example.org"}


def test_users_purge_unconfirmed_takes_the_age_in_days(flask_cli, create, in_app):
    create(
        factories.UserFactory,
        email="waiting@example.org",
        email_confirmed_at=None,
        created_at=utcnow() - timedelta(days=3),
    )

    kept = flask_cli("users", "purge-unconfirmed", "--days", "4")
    purged = flask_cli("users", "purge-unconfirmed", "--days", "2")
    refused = flask_cli("users", "purge-unconfirmed", "--days", "0")

    assert "Deleted 0" in kept.output
    assert "Deleted 1" in purged.output
    assert refused.exit_code != 0
    assert in_app(_emails) == set()


def _demo_state() -> dict[str, object]:
    return {
        "organisations": {o.name: o.kind for o in db.session.scalars(select(Organisation))},
        "users": _count(User),
        "memberships": _count(Membership),
    }


def test_seed_demo_creates_the_delivery_plan_organisations_and_logins(flask_cli, in_app):
    result = flask_cli("seed-demo")

    assert result.exit_code == 0, result.output
    state = in_app(_demo_state)
    kinds = state["organisations"]
    assert len(kinds) == len(ORGANISATIONS)
    for name in ("Assisted Reading for Children (ARCh)", "Growing Minds", "Parent Power"):
        assert kinds[name] == "beneficiary"
    for name in (
        "Oxfordshire County Council",
        "Oxford City Council",
        "Cherwell District Council",
        "South Oxfordshire District Council",
        "West Oxfordshire District Council",
        "University of Oxford",
    ):
        assert kinds[name] == "buyer"
    assert state["users"] == len(USERS)

    assert DEMO_PASSWORD in result.output
    for demo_user in USERS:
        assert demo_user.email in result.output

    staff = in_app(lambda: _user("staff@oiep.example.org"))
    assert staff.is_staff
    assert verify_password(staff.password_hash, DEMO_PASSWORD)
    assert in_app(lambda: _user("taskforce@oiep.example.org").is_task_force)
    arch = in_app(lambda: [o.name for o in _user("volunteers@arch.example.org").organisations])
    assert arch == ["Assisted Reading for Children (ARCh)"]


def test_seed_demo_run_twice_changes_nothing(flask_cli, in_app):
    flask_cli("seed-demo")
    before = in_app(_demo_state)

    result = flask_cli("seed-demo")

    assert result.exit_code == 0, result.output
    assert "0 records created (already seeded)." in result.output
    assert in_app(_demo_state) == before


@pytest.mark.parametrize("email", ["not an email", "ada@", "@example.org", "ada@example"])
def test_users_create_refuses_text_that_is_not_an_email_address(flask_cli, in_app, email):
    result = flask_cli("users", "create", email, "--password-stdin", input=f"{NEW_PASSWORD}\n")

    assert result.exit_code != 0
    assert "is not an email address" in result.output
    assert in_app(lambda: _count(User)) == 0


def test_seed_demo_loads_the_whole_delivery_plan_once(flask_cli, in_app):
    from brokerage.plan.models import Action, Plan

    first = flask_cli("seed-demo")
    again = flask_cli("seed-demo")

    assert first.exit_code == 0 and again.exit_code == 0, first.output + again.output
    assert in_app(lambda: _count(Plan)) == 1
    assert in_app(lambda: _count(Action)) == 56
