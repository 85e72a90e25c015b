"""The board report for staff: `/plan/report?quarter=2024Q1` as a page to read or print,
and the same report as a PDF and an XLSX workbook. It sits under the plan's addresses but
gathers from the plan, the brokerage and the charter, so it is a feature of its own."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from ..plan.permissions import require
from ..plan.service import today
from ..spreadsheets import MIMETYPES
from .documents import board_report_pdf, board_report_xlsx, download_name
from .forms import QuarterForm
from .permissions import can_view_board_report
from .quarters import InvalidQuarter, quarter_of
from .report import BoardReport, build_board_report

# Nested in the plan's blueprint by create_app: `plan.board.*`, under /plan.
blueprint = Blueprint("board", __name__)


def _report_asked_for() -> tuple[QuarterForm, BoardReport | None]:
    """The report of the quarter in the query string (by default the last whole quarter);
    None, with the form's errors, when the quarter is bad."""
    require(can_view_board_report(current_user))
    form = QuarterForm(formdata=request.args)
    if not form.validate():
        return form, None
    quarter = form.chosen(quarter_of(today()).previous())
    form.quarter.data = quarter.label
    try:
        return form, build_board_report(quarter, today())
    except InvalidQuarter as error:
        form.quarter.errors = [str(error)]
        return form, None


def _page(form: QuarterForm, report: BoardReport | None) -> str | tuple[str, int]:
    page = render_template("board/report.html", form=form, report=report)
    return page if report is not None else (page, 400)


@blueprint.get("/report")
def board_report() -> str | tuple[str, int]:
    return _page(*_report_asked_for())


def _download(extension: str, report: BoardReport) -> Response:
    if extension == "pdf":
        data, mimetype = board_report_pdf(report).data, "application/pdf"
    else:
        data, mimetype = board_report_xlsx(report), MIMETYPES["xlsx"]
    name = download_name(report, extension)
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blueprint.get("/report.<extension>")
def board_report_file(extension: str) -> Response | str | tuple[str, int]:
    """The report as a PDF or a workbook; a bad quarter shows the page and why."""
    if extension not in {"pdf", "xlsx"}:
        abort(404)
    form, report = _report_asked_for()
    return _download(extension, report) if report is not None else _page(form, report)
