"""`flask seed-demo`: demo organisations and logins from the partnership's demo file."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from .data import NoDemoData, demo_data
from .service import seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Fill the database with demo data (idempotent) and print the demo logins."""
    try:
        demo = demo_data()
    except NoDemoData as error:
        raise click.ClickException(str(error)) from error
    report = seed_demo()
    db.session.commit()
    click.echo(
        f"Demo data: {len(report.created)} records created"
        + ("." if report.created else " (already seeded).")
    )
    click.echo(f"\nDemo logins (password for all: {demo.password}):")
    for user in demo.users:
        roles = [r for r, on in (("staff", user.staff), ("task force", user.task_force)) if on]
        detail = ", ".join([*user.organisations, *roles])
        click.echo(f"  {user.email:40} {detail}")
