"""Staff pages: upload a file to import (run as a job, with a progress bar), follow its
progress, and download exports in the same columns."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from werkzeug.wrappers import Response

from ..accounts.permissions import is_staff, staff_required
from ..extensions import db
from ..jobs import enqueue
from . import export, service
from .formats import KINDS
from .forms import MAX_UPLOAD_BYTES, ImportForm
from .models import ImportRun

# Nested in the admin blueprint by create_app: `admin.bulk.*`, under /admin.
blueprint = Blueprint("bulk", __name__)


@blueprint.before_request
@staff_required
def _staff_only() -> None:
    """Every page here is for staff."""


@blueprint.url_value_preprocessor
def _allow_large_uploads(endpoint: str | None, values: dict[str, object] | None) -> None:
    """Staff uploads may be larger than the site's usual request limit. Set here because
    this runs before the body is first read (by the CSRF check); twice the form's limit,
    so that a file a little too large gets a field error rather than a bare 413."""
    if endpoint == "admin.bulk.upload" and is_staff(current_user):
        request.max_content_length = 2 * MAX_UPLOAD_BYTES


@blueprint.route("/import", methods=["GET", "POST"])
def upload() -> Response | tuple[str, int] | str:
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        run = service.start_run(
            form.kind.data, upload.filename or "upload.csv", form.skip_invalid.data, current_user
        )
        db.session.commit()  # the job (perhaps on a worker) reads the run
        path = _upload_folder() / f"{run.id}.csv"
        upload.save(path)
        enqueue(service.run_import, run.id, str(path))
        db.session.commit()
        return redirect(url_for("admin.bulk.show_run", run_id=run.id))
    page = render_template("bulk/upload.html", form=form, runs=service.recent_runs(), kinds=KINDS)
    return (page, 400) if form.errors else page


def _upload_folder() -> Path:
    """Where uploads wait for their job: the instance folder, shared with workers."""
    configured = current_app.config.get("IMPORT_UPLOAD_DIR")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@blueprint.get("/import/<int:run_id>")
def show_run(run_id: int) -> str:
    return render_template("bulk/run.html", run=db.get_or_404(ImportRun, run_id))


@blueprint.get("/import/<int:run_id>/status")
def run_status(run_id: int) -> dict[str, object]:
    """What the progress bar polls."""
    run = db.get_or_404(ImportRun, run_id)
    return {
        "status": run.status,
        "finished": run.is_finished,
        "rows_done": run.rows_done,
        "rows_total": run.rows_total,
        "summary": (run.report or {}).get("summary", ""),
    }


@blueprint.get("/export/<kind>.csv")
def export_kind(kind: str) -> Response:
    """The export is written to a temporary file (on disk once large), then sent."""
    if kind not in KINDS:
        abort(404)
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (send_file closes it)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    export.write_csv(KINDS[kind], text)
    text.flush()
    text.detach()
    spool.seek(0)
    return send_file(spool, mimetype="text/csv", as_attachment=True, download_name=f"{kind}.csv")
