"""`flask notices import FILE...`: procurement notices (OCDS) in; `flask notices fetch
--since DATE`: the same, fetched from Find a Tender and Contracts Finder first."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from .service import ImportSettings, import_file

notices_cli = AppGroup("notices", help="Import public procurement notices (OCDS).")


def settings_from_config() -> ImportSettings:
    config = current_app.config
    return ImportSettings(
        regions=tuple(config["NOTICES_AREA_REGIONS"]),
        buyer_ids=tuple(config["NOTICES_BUYER_IDS"]),
        publish_at_once=bool(config["NOTICES_PUBLISH_AT_ONCE"]),
        max_file_mb=int(config["NOTICES_MAX_FILE_MB"]),
    )


def import_files(files: list[Path]) -> bool:
    """Import each file in its own transaction and print its report; False if any file
    was refused or had procurements left out."""
    settings, clean = settings_from_config(), True
    for file in files:
        report = import_file(file, settings)
        if report.refused:
            db.session.rollback()
        else:
            db.session.commit()
        clean = clean and not report.refused and not report.problems
        click.echo(report.summary())
    return clean


@notices_cli.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Import OCDS release packages, record packages or JSON Lines of releases.

    Each file is one transaction; inside it, a procurement that cannot be read is left out
    whole and named. Importing the same files again changes nothing.
    """
    if not import_files(list(files)):
        raise click.exceptions.Exit(1)


@notices_cli.command("fetch")
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Fetch notices published or updated on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Keep the fetched files in this folder (default: instance/notices).",
)
def fetch_command(since: datetime, into: Path | None) -> None:
    """Fetch notices from Find a Tender's OCDS API and the Contracts Finder search, with
    back-off, save each page as a file, then import the files. For deployments that can
    reach those services: run it from cron, never in a request."""
    from .fetch import fetch_all

    folder = into or Path(current_app.instance_path) / "notices"
    files = fetch_all(since.date() if isinstance(since, datetime) else date.today(), folder)
    click.echo(f"Fetched {len(files)} file(s) into {folder}.")
    if files and not import_files(files):
        raise click.exceptions.Exit(1)
