"""`flask plan load FILE`: import or update a delivery plan year from its data file."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from . import kpi_sources, resources, service
from .spec import PlanFileInvalid

plan_cli = AppGroup("plan", help="Load the partnership's delivery plan.")


def _refuse(file: Path, error: PlanFileInvalid) -> NoReturn:
    """Undo, list every problem with where it is, and exit with an error."""
    db.session.rollback()
    click.echo(f"{file}: {error}", err=True)
    for problem in error.problems:
        click.echo(f"  - {problem}", err=True)
    raise click.exceptions.Exit(1) from error


@plan_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(file: Path) -> None:
    """Import the plan in FILE (YAML or JSON); loading it again updates it in place.

    A malformed file imports nothing: every problem is listed, with where it is.
    """
    try:
        report = service.load_plan(service.read_plan_file(file))
    except PlanFileInvalid as error:
        _refuse(file, error)
    db.session.commit()
    click.echo(report.summary())


@plan_cli.command("sync-kpis")
def sync_kpis_command() -> None:
    """Write the KPIs other features count (charter signees, procurement pledges) and those
    staff linked to TOMs measures (verified outcomes) as one value per month. Run it daily
    from cron: a second run updates, never doubles."""
    report = kpi_sources.sync_kpi_sources(kpi_sources.registered_sources(current_app))
    outcomes = kpi_sources.sync_outcome_kpis(kpi_sources.registered_outcome_totals(current_app))
    db.session.commit()
    click.echo(report.summary())
    if outcomes.lines:
        click.echo(outcomes.summary())


@plan_cli.command("load-toolkit")
@click.argument(
    "file",
    required=False,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
def load_toolkit_command(file: Path | None) -> None:
    """Add to the toolkit the resources in FILE (by default the partnership's: the bodies
    and programmes its plan names) that it lacks; run it again and nothing is added twice."""
    file = file or resources.toolkit_file()
    plan = service.current_plan()
    if plan is None:
        click.echo("Load a delivery plan first (flask plan load FILE).", err=True)
        raise click.exceptions.Exit(1)
    try:
        added = resources.load_toolkit(plan, service.read_plan_file(file))
    except PlanFileInvalid as error:
        _refuse(file, error)
    db.session.commit()
    click.echo(f"{len(added)} resource(s) added to the toolkit from {file.name}.")
