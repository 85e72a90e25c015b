"""The board report's page, PDF and workbook, drawn from the same report. Needs a request
context (a real request, or the CLI's made-up one) for the templates' addresses."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from flask import current_app, render_template, url_for

from .report import BoardReport
from .workbook import board_report_xlsx

if TYPE_CHECKING:
    from .pdf import Pdf

__all__ = ["board_report_pdf", "board_report_xlsx", "download_name"]


def board_report_pdf(report: BoardReport) -> Pdf:
    # WeasyPrint takes seconds to import: only a PDF asked for pays for it, not every start.
    # Its step-by-step progress (logged as it imports) is noise; its warnings still show.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    from .pdf import StaticFilesOnly, render_pdf

    html = render_template("board/document.html", report=report)
    # The folder's address: url_for builds files' addresses only (and honours a script root).
    static_url = url_for("static", filename="-", _external=True).removesuffix("-")
    fetcher = StaticFilesOnly(current_app.static_folder or "", static_url)
    return render_pdf(html, static_url, fetcher)


def download_name(report: BoardReport, extension: str) -> str:
    return f"board-report-{report.quarter.label}.{extension}"
