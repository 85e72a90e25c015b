"""The task force's workspace (task force and staff only): the verification queue and its
three answers, the dashboard, and its exports."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import task_force_required
from ..errors import BrokerageError
from ..extensions import db
from ..matches.models import Match
from ..partnership import current_partnership
from ..spreadsheets import MIMETYPES
from ..workflow.moves import match_path, may_review
from . import export, service
from .dashboard import build_dashboard
from .facts import load_facts
from .figures import RESPONSE_DAYS
from .filters import filter_choices
from .forms import ANSWER_FORMS, DashboardFilterForm

blueprint = Blueprint("review", __name__, url_prefix="/review")
ANSWERS = {"verify": service.verify, "query": service.query, "reject": service.reject}
DONE_MESSAGES = {
    "verify": "Outcome verified: it now counts on the dashboard and the public impact page.",
    "query": "Question sent: the match is back to agreed until the delivery is recorded again.",
    "reject": "Evidence rejected: the match is declined.",
}


@blueprint.before_request
@task_force_required
def _task_force_only() -> None:
    """Every page here is for the task force and staff."""


def _may_review(outcome: service.Outcome) -> bool:
    return may_review(current_user, outcome.match, outcome.delivery)


def _queue_page(status: int = 200, failed: Any = None, refusal: str = "") -> Any:
    page = render_template(
        "review/queue.html",
        outcomes=service.awaiting_verification(),
        verified=service.recently_verified(),
        forms=ANSWER_FORMS,
        failed=failed,
        refusal=refusal,
        match_path=match_path,
        may_review=_may_review,
    )
    return page, status


@blueprint.route("/")
def queue() -> Any:
    return _queue_page()


def _answer(match_id: int, action: str) -> Any:
    match = db.get_or_404(Match, match_id)
    form = ANSWER_FORMS[action]()
    if not form.validate_on_submit():
        return _queue_page(400, failed=(match.id, action, form))
    try:
        ANSWERS[action](match, current_user, form.note.data or "", form.seen_version)
    except BrokerageError as refused:
        db.session.rollback()
        return _queue_page(refused.status_code, refusal=str(refused))
    db.session.commit()
    flash(DONE_MESSAGES[action], "success")
    return redirect(url_for("review.queue"))


@blueprint.post("/outcomes/<int:match_id>/verify")
def verify(match_id: int) -> Any:
    return _answer(match_id, "verify")


@blueprint.post("/outcomes/<int:match_id>/query")
def query(match_id: int) -> Any:
    return _answer(match_id, "query")


@blueprint.post("/outcomes/<int:match_id>/reject")
def reject(match_id: int) -> Any:
    return _answer(match_id, "reject")


def _filtered() -> tuple[DashboardFilterForm, bool]:
    form = DashboardFilterForm(formdata=request.args)
    form.set_choices(filter_choices())
    return form, form.validate()


@blueprint.route("/dashboard")
def dashboard() -> Any:
    form, valid = _filtered()
    found = build_dashboard(form.filters()) if valid else None
    page = render_template(
        "review/dashboard.html",
        form=form,
        dashboard=found,
        query={name: value for name, value in request.args.items() if name in form and value},
        response_days=RESPONSE_DAYS,
    )
    return page if valid else (page, 400)


@blueprint.route("/export/<table>.<file_format>")
def export_table(table: str, file_format: str) -> Response | tuple[str, int]:
    """The matches (or their delivered outcomes) the dashboard's filters find."""
    if table not in export.TABLES or file_format not in {"csv", "xlsx"}:
        abort(404)
    form, valid = _filtered()
    if not valid:
        return render_template("review/dashboard.html", form=form, dashboard=None, query={}), 400
    headings, rows = export.TABLES[table](load_facts(), form.filters())
    if file_format == "csv":
        data = export.to_csv(headings, rows)
    else:
        data = export.to_xlsx(headings, rows, table.title())
    name = current_partnership().download_name(f"{table}.{file_format}")
    mimetype = MIMETYPES[file_format]
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
