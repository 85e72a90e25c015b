"""`flask toms load FILE [--version V]`: load a TOMs framework file into the catalogue."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..extensions import db
from . import service
from .files import CatalogueFileInvalid

toms_cli = AppGroup("toms", help="Load TOMs frameworks into the catalogue.")


@toms_cli.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--version",
    "version",
    default=None,
    help="The version or year of this load, e.g. 2024/25 (default: the year the "
    "framework's name ends with, else 'unstated').",
)
def load_command(file: Path, version: str | None) -> None:
    """Load FILE, a .csv or .xlsx file; loading it again updates it in place.

    Its header: framework,theme,outcome,measure_code,measure,unit,proxy_value_gbp,source

    A file with any bad row imports nothing: every problem is listed with its line.
    """
    try:
        report = service.load_framework_file(file, version)
    except CatalogueFileInvalid as error:
        db.session.rollback()
        click.echo(f"{file}: {error}", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.exceptions.Exit(1) from error
    db.session.commit()
    click.echo(report.summary())
