"""`flask users create|token|roles|purge-unconfirmed`: manage accounts from the command line."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import service
from .models import User
from .passwords import password_problems

users_cli = AppGroup("users", help="Create users, set platform roles and issue API tokens.")


def _user_or_fail(email: str) -> User:
    user = service.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", default="", help="Display name (defaults to the part before the @).")
@click.option("--staff", is_flag=True, help="Staff administer everything.")
@click.option("--task-force", is_flag=True, help="The task force reviews match outcomes.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email: str, name: str, staff: bool, task_force: bool, password_stdin: bool) -> None:
    """Create a user with EMAIL; the password is asked for unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"{email} is not an email address: {error}") from error
    problems = password_problems(password, current_app.config["PASSWORD_MIN_LENGTH"], email)
    if problems:
        raise click.ClickException(problems[0])
    try:
        user = service.register_user(email, name or email.split("@")[0], password)
    except service.EmailTaken as error:
        raise click.ClickException(str(error)) from error
    service.set_platform_roles(user, staff=staff, task_force=task_force)
    db.session.commit()
    roles = [r for r, on in (("staff", staff), ("task force", task_force)) if on]
    click.echo(f"Created {user.email}" + (f" ({', '.join(roles)})" if roles else "") + ".")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Print a new personal API token for EMAIL (shown once; only its digest is kept)."""
    secret = service.create_api_token(_user_or_fail(email), name)
    db.session.commit()
    click.echo(secret)


@users_cli.command("roles")
@click.argument("email")
@click.option("--staff/--no-staff", default=None, help="Grant or remove the staff role.")
@click.option("--task-force/--no-task-force", default=None, help="Grant or remove task force.")
def set_roles(email: str, staff: bool | None, task_force: bool | None) -> None:
    """Grant or remove platform roles for EMAIL."""
    user = _user_or_fail(email)
    service.set_platform_roles(user, staff=staff, task_force=task_force)
    db.session.commit()
    click.echo(f"{user.email}: staff={user.is_staff}, task force={user.is_task_force}.")


@users_cli.command("purge-unconfirmed")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Age in days (default: UNCONFIRMED_ACCOUNT_MAX_AGE, 7 days).",
)
def purge_unconfirmed(days: int | None) -> None:
    """Delete accounts never confirmed within DAYS of signing up; idempotent, run daily."""
    age = timedelta(days=days) if days else current_app.config["UNCONFIRMED_ACCOUNT_MAX_AGE"]
    deleted = service.purge_unconfirmed(age)
    db.session.commit()
    click.echo(f"Deleted {len(deleted)} unconfirmed account(s) older than {age.days} days.")
