"""`flask match expire`: the daily keeping fresh of matches, a command of the `match` group
(`brokerage.matches.cli`), added to it where the app is built."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..types import utcnow
from .freshness import keep_fresh


@click.command("expire")
@with_appcontext
def expire_command() -> None:
    """Close listings past their dates (their matches expire and the rankings they were in
    are recomputed), and nudge about quiet matches (idempotent)."""
    report = keep_fresh(utcnow())
    db.session.commit()
    click.echo(
        f"{report.closed} listing{'s' if report.closed != 1 else ''} closed, "
        f"{report.expired} expired, {report.nudged} nudged, "
        f"{report.escalated} raised with staff."
    )
