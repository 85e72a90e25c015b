"""`flask match expire`: the daily keeping fresh of matches, a command of the `match` group
(`brokerage.matches.cli`), added to it where the app is built; and `flask evidence prune`,
the daily removal of evidence files whose rows are gone."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..types import utcnow
from .evidence import prune
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


@click.group("evidence")
def evidence_cli() -> None:
    """Evidence files on deliveries."""


@evidence_cli.command("prune")
@with_appcontext
def prune_command() -> None:
    """Remove evidence files whose rows are gone and uploads abandoned mid-way, and finish
    uploads a crash left unnamed (idempotent; run it daily)."""
    report = prune()
    click.echo(
        f"{report.removed} evidence file{'s' if report.removed != 1 else ''} without a row "
        f"removed, {report.finished} upload{'s' if report.finished != 1 else ''} finished, "
        f"{report.abandoned} abandoned upload{'s' if report.abandoned != 1 else ''} removed."
    )
