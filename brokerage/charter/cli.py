"""`flask charter load|remind`: load the pledges; email reminders of check-ins (from cron)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import check_ins, pledges, service, toolkit

charter_cli = AppGroup("charter", help="The Inclusive Economy Charter: pledges and reminders.")
REMINDER_DAYS = 14


@charter_cli.command("load")
@click.argument(
    "file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
def load_command(file: Path | None) -> None:
    """Load the charter's pledges from FILE (the collected list when not given), and the
    toolkit resources verified for them. Pledges already loaded are left as staff edited
    them; a resource is added only to a pledge that does not list its title."""
    try:
        report = pledges.load_pledges(file)
    except pledges.PledgeFileInvalid as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    resources = toolkit.load_resources()
    db.session.commit()
    click.echo(report.summary())
    click.echo(f"Toolkit: {resources} resource(s) added.")


def _date(_context: click.Context, _parameter: click.Parameter, value: str | None) -> date:
    if value is None:
        return service.today()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 (a plain date)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not a date like 2024-03-31.") from error


@charter_cli.command("remind")
@click.option(
    "--days",
    type=click.IntRange(0, 366),
    default=None,
    help=f"Remind of check-ins due within this many days [default: {REMINDER_DAYS}, "
    "or CHARTER_REMINDER_DAYS].",
)
@click.option("--today", callback=_date, help="Act as if today were this date (YYYY-MM-DD).")
def remind_command(days: int | None, today: date) -> None:
    """Email each signee whose check-in is due soon. Run it daily: a check-in is reminded
    of once, however often this runs."""
    if days is None:
        days = current_app.config.get("CHARTER_REMINDER_DAYS", REMINDER_DAYS)
    report = check_ins.send_reminders(today, days)
    db.session.commit()
    click.echo(report.summary())
