"""`flask report board --quarter 2024Q1 --pdf FILE --xlsx FILE`: the board report as files."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..plan.service import today
from .documents import board_report_pdf, board_report_xlsx
from .quarters import InvalidQuarter, Quarter, parse_quarter
from .report import build_board_report
from .workbook import SHEETS

report_cli = AppGroup("report", help="Reports for the partnership.")


def _quarter(_context: click.Context, _parameter: click.Parameter, value: str) -> Quarter:
    try:
        return parse_quarter(value)
    except InvalidQuarter as error:
        raise click.BadParameter(str(error)) from error


@report_cli.command("board")
@click.option("--quarter", required=True, callback=_quarter, help="The quarter, as in 2024Q1.")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path))
def board_command(quarter: Quarter, pdf_file: Path | None, xlsx_file: Path | None) -> None:
    """Write the board report of QUARTER as a PDF and/or an XLSX workbook."""
    try:
        report = build_board_report(quarter, today())
    except InvalidQuarter as error:
        raise click.BadParameter(str(error), param_hint="'--quarter'") from error
    click.echo(
        f"Board report {quarter.label} ({quarter.title}): {len(report.groups)} working "
        f"groups, {len(report.changes)} progress updates, {len(report.kpis)} KPIs, "
        f"{report.brokerage.matches} matches suggested, {report.charter.impact.signees} "
        f"charter signees, {len(report.projects)} projects."
    )
    # The templates build addresses from the site's own (BASE_URL), as a request would.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        if pdf_file:
            pdf = board_report_pdf(report)
            pdf_file.write_bytes(pdf.data)
            click.echo(f"Wrote {pdf_file} ({pdf.pages} page{'s' if pdf.pages != 1 else ''}).")
        if xlsx_file:
            xlsx_file.write_bytes(board_report_xlsx(report))
            click.echo(f"Wrote {xlsx_file} ({len(SHEETS)} sheets).")
