"""`flask import KIND FILE [--skip-invalid]` and `flask export KIND FILE`: organisations
and listings from and to the spreadsheets partners keep."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import export, service
from .formats import KINDS

_KIND = click.Choice(list(KINDS))


@click.command("import")
@click.argument("kind", type=_KIND)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Import the good rows even when some are bad (the bad ones are still listed).",
)
@with_appcontext
def import_command(kind: str, file: Path, skip_invalid: bool) -> None:
    """Import KIND (suppliers, buyers, beneficiaries, offers, opportunities or needs)
    from FILE, a UTF-8 CSV file with a header row; see examples/ for each kind.

    Rows are keyed by their ref: importing a file again changes only what changed. A file
    with any bad row imports nothing, unless --skip-invalid is given. Exits with status 1
    when nothing was imported.
    """
    report = service.import_file(kind, file, skip_invalid=skip_invalid)
    if report.applied:
        db.session.commit()
    else:
        db.session.rollback()
    click.echo(report.summary)
    for bad in report.bad_rows:
        ref = f" ({bad.ref})" if bad.ref else ""
        click.echo(f"  line {bad.line}{ref}: {bad.reason}", err=True)
    if report.bad_count > len(report.bad_rows):
        click.echo(f"  ... and {report.bad_count - len(report.bad_rows)} more bad rows.", err=True)
    for warning in report.warnings:
        ref = f" ({warning.ref})" if warning.ref else ""
        click.echo(f"  warning, line {warning.line}{ref}: {warning.message}", err=True)
    if report.warning_count > len(report.warnings):
        more = report.warning_count - len(report.warnings)
        click.echo(f"  ... and {more} more warnings.", err=True)
    if not report.applied:
        raise click.exceptions.Exit(1)


@click.command("export")
@click.argument("kind", type=_KIND)
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_command(kind: str, file: Path) -> None:
    """Export every KIND to FILE in the columns the import reads (.csv, or .xlsx for an
    Excel workbook)."""
    if file.suffix.lower() == ".xlsx":
        with file.open("wb") as handle:
            count = export.write_xlsx(KINDS[kind], handle)
    else:
        with file.open("w", encoding="utf-8", newline="") as handle:
            count = export.write_csv(KINDS[kind], handle)
    click.echo(f"{count} {kind} written to {file}.")
